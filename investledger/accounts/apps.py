from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "investledger.accounts"
    label = "accounts"
