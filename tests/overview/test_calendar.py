import pandas as pd

from shoplab.overview import calendar


def test_festivals_cover_2023_to_2028_with_windows_that_contain_their_peak():
    f = calendar.festivals()
    assert set(f.festival) == {"618", "double11", "double12", "nianhuo", "spring_festival"}
    for code, g in f.groupby("festival"):
        assert sorted(g.year) == list(range(2023, 2029)), code
    assert (f.start <= f.end).all()
    peaks = f.dropna(subset=["peak"])
    assert ((peaks.peak >= peaks.start) & (peaks.peak <= peaks.end)).all()
    assert f.loc[(f.festival == "double11") & (f.year == 2026), "peak"].item() == pd.Timestamp("2026-11-11")


def test_regressors_mark_window_peak_holiday_campaign_and_weekday():
    days = pd.date_range("2026-06-16", "2026-06-20")  # Tue .. Sat
    x = calendar.regressors(days, pd.DatetimeIndex(["2026-06-19"]))
    assert list(x.festival) == [1, 1, 0, 0, 0]  # 06-16, 06-17 in the window; 06-18 is the main day
    assert list(x.festival_peak) == [0, 0, 1, 0, 0]
    assert list(x.campaign) == [0, 0, 0, 1, 0]
    assert list(x.holiday) == [0] * 5
    assert list(x.dow1) == [1, 0, 0, 0, 0] and list(x.dow5) == [0, 0, 0, 0, 1]
    sf = calendar.regressors(pd.date_range("2026-02-13", "2026-02-24"))
    assert list(sf.holiday) == [0] + [1] * 10 + [0]  # 2026-02-14 .. 02-23


def test_campaign_days_of_the_sample(sample_shop):
    days = calendar.campaign_days(sample_shop)
    assert pd.Timestamp("2026-06-05") in days and pd.Timestamp("2026-06-18") in days
    assert pd.Timestamp("2026-06-19") not in days
    assert len(calendar.campaign_days(None)) == 0
