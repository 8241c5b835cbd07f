import codecs

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.formats.encoding import decode, read_text

TEXT = "露点控制在55到65℃之间。\n氢气比例不低于20%。\n" * 20


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("gbk"),
    TEXT.encode("gb18030"),
    TEXT.encode("utf-16"),  # with BOM
    TEXT.encode("utf-16-le"),  # without BOM
])
def test_detects_chinese_encodings(data):
    assert decode(data, "x.txt") == TEXT


def test_crlf_becomes_lf():
    assert decode("一\r\n二\r三".encode("gbk"), "x.txt") == "一\n二\n三"


def test_binary_is_refused_with_the_file_named():
    with pytest.raises(LaoshifuError) as info:
        decode(bytes(range(256)) * 8, "bad.md")
    assert "bad.md" in str(info.value)
    assert "encoding" in str(info.value)


def test_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    monkeypatch.setenv("LAOSHIFU_MAX_FILE_MB", "1")
    with pytest.raises(LaoshifuError) as info:
        read_text(path, "big.md")
    assert "big.md" in str(info.value) and "limit" in str(info.value)


def test_size_limit_from_the_settings_file(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.yaml").write_text("max_file_mb: 1\n", encoding="utf-8")
    monkeypatch.setenv("LAOSHIFU_HOME", str(home))
    monkeypatch.delenv("LAOSHIFU_MAX_FILE_MB", raising=False)
    path = tmp_path / "big.md"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(LaoshifuError) as info:
        read_text(path, "big.md")
    assert "over the 1 MB limit" in str(info.value)
