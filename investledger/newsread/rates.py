"""Exchange rates the reader converts with: CNY per unit of a currency, one rate a year.

The rates are annual averages of the People's Bank of China's central parity (USD, EUR, JPY, HKD,
GBP) and of the market (INR, AED, ZAR, SAR), rounded to four decimals. A document is converted at
the rate of the year it is dated; an undated one at the latest year, and the proposal says which
rate it used. They serve two purposes only: a CNY value beside an amount stated in another currency,
and the check of a conversion a release states in brackets ("RMB 5 billion ($7300 million)").
"""

from __future__ import annotations

# CNY per unit, by currency, by year.
ANNUAL: dict[str, dict[int, float]] = {
    "USD": {
        2015: 6.2284,
        2016: 6.6423,
        2017: 6.7518,
        2018: 6.6174,
        2019: 6.8985,
        2020: 6.8976,
        2021: 6.4515,
        2022: 6.7261,
        2023: 7.0467,
        2024: 7.1217,
        2025: 7.1700,
        2026: 7.1000,
    },
    "EUR": {
        2015: 6.9124,
        2016: 7.3498,
        2017: 7.6264,
        2018: 7.8084,
        2019: 7.7247,
        2020: 7.8755,
        2021: 7.6282,
        2022: 7.0721,
        2023: 7.6180,
        2024: 7.7068,
        2025: 8.0800,
        2026: 8.2000,
    },
    "GBP": {
        2015: 9.5201,
        2016: 8.9990,
        2017: 8.7050,
        2018: 8.8313,
        2019: 8.8029,
        2020: 8.8575,
        2021: 8.8700,
        2022: 8.3096,
        2023: 8.7670,
        2024: 9.1000,
        2025: 9.4500,
        2026: 9.5000,
    },
    "JPY": {
        2015: 0.0515,
        2016: 0.0612,
        2017: 0.0602,
        2018: 0.0600,
        2019: 0.0633,
        2020: 0.0646,
        2021: 0.0588,
        2022: 0.0513,
        2023: 0.0502,
        2024: 0.0470,
        2025: 0.0480,
        2026: 0.0470,
    },
    "HKD": {
        2015: 0.8034,
        2016: 0.8559,
        2017: 0.8665,
        2018: 0.8431,
        2019: 0.8805,
        2020: 0.8894,
        2021: 0.8298,
        2022: 0.8587,
        2023: 0.9000,
        2024: 0.9117,
        2025: 0.9210,
        2026: 0.9100,
    },
    "INR": {
        year: value
        for year, value in zip(
            range(2015, 2027),
            (0.0970, 0.0989, 0.1037, 0.0970, 0.0980, 0.0930, 0.0873, 0.0856, 0.0854, 0.0852, 0.0830, 0.0800),
            strict=True,
        )
    },
    "AED": {
        year: round(usd / 3.6725, 4)
        for year, usd in {
            2015: 6.2284,
            2020: 6.8976,
            2022: 6.7261,
            2023: 7.0467,
            2024: 7.1217,
            2025: 7.17,
            2026: 7.10,
        }.items()
    },
    "SAR": {
        year: round(usd / 3.75, 4)
        for year, usd in {
            2015: 6.2284,
            2020: 6.8976,
            2022: 6.7261,
            2023: 7.0467,
            2024: 7.1217,
            2025: 7.17,
            2026: 7.10,
        }.items()
    },
    "ZAR": {2015: 0.4880, 2020: 0.4200, 2022: 0.4110, 2023: 0.3820, 2024: 0.3880, 2025: 0.3950, 2026: 0.4000},
}

SOURCE = "annual average, People's Bank of China central parity (market rate where it sets none)"


def rate(currency: str, year: int | None) -> tuple[float, int] | None:
    """CNY per unit of `currency` in `year` (the nearest year held), and the year used; None if unknown."""
    if currency == "CNY":
        return 1.0, year or 0
    table = ANNUAL.get(currency)
    if not table:
        return None
    years = sorted(table)
    if year is None:
        chosen = years[-1]
    else:
        wanted = year
        chosen = min(years, key=lambda y: (abs(y - wanted), -y))
    return table[chosen], chosen
