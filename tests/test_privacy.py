import pandas as pd

from shoplab.privacy import pseudonymise, pseudonymise_frame


def test_pseudonyms_are_keyed_stable_and_hide_the_id(monkeypatch):
    a = pseudonymise([1, 2, 1, None], key="k1")
    assert a[0] == a[2] and a[0] != a[1] and a[3] is None
    assert a[0].startswith("U-") and "1" != a[0][2:]
    assert pseudonymise([1], key="k2")[0] != a[0]
    monkeypatch.setenv("SHOPLAB_PSEUDONYM_KEY", "k1")
    assert pseudonymise([1])[0] == a[0]
    assert pseudonymise(["1"])[0] == a[0]  # int and str ids of the same value agree


def test_frame_copy_and_switch():
    df = pd.DataFrame({"user_id": [10, 11], "score": [0.9, 0.1]})
    p = pseudonymise_frame(df, key="k")
    assert list(df.user_id) == [10, 11]  # input untouched
    assert p.user_id.str.startswith("U-").all() and list(p.score) == [0.9, 0.1]
    assert list(pseudonymise_frame(df, enabled=False).user_id) == [10, 11]
