"""The demo ledger built from published figures: `investledger demo` (this app's command) calls
`loader.load()`. The package imports no models itself, so that it can be an installed app."""
