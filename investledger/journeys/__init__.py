"""Each role's day, walked in Chromium from the login page with clicks and typing only (no typed address).

Not an app: tests above every app, as a new user meets the product. Each journey runs in English and in
Chinese; screenshots go to $INVESTLEDGER_SCREENSHOTS (default /tmp/investledger-journeys).
"""
