"""Where the model is: environment, config.yaml, clear errors, and the plant's network."""

from __future__ import annotations

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.llm.config import load_model_settings, network_scope


def settings(home, env=None, yaml_text=None):
    home.mkdir(parents=True, exist_ok=True)
    if yaml_text is not None:
        (home / "config.yaml").write_text(yaml_text, encoding="utf-8")
    return load_model_settings({"LAOSHIFU_HOME": str(home), **(env or {})})


def test_no_model_configured_is_none(home):
    assert settings(home) is None
    assert settings(home, yaml_text="database_url: sqlite:///x.db\n") is None


def test_environment_settings(home):
    s = settings(home, {"LAOSHIFU_LLM_BASE_URL": "http://127.0.0.1:11434/v1/",
                        "LAOSHIFU_LLM_MODEL": "qwen2.5:7b", "LAOSHIFU_LLM_TIMEOUT": "20",
                        "LAOSHIFU_LLM_REWRITE": "off"})
    assert s.base_url == "http://127.0.0.1:11434/v1" and s.model == "qwen2.5:7b"
    assert s.timeout_s == 20 and s.rewrite is False and s.key == "not-needed"
    assert "api_key" not in repr(s)


def test_config_file_settings_and_environment_wins(home):
    text = "llm:\n  base_url: http://10.0.0.5:8000/v1\n  model: Qwen2.5-14B\n  api_key: secret\n  retries: 3\n"
    s = settings(home, yaml_text=text)
    assert (s.base_url, s.model, s.api_key, s.retries) == ("http://10.0.0.5:8000/v1", "Qwen2.5-14B",
                                                          "secret", 3)
    s = settings(home, {"LAOSHIFU_LLM_MODEL": "other"}, yaml_text=text)
    assert s.model == "other" and s.base_url == "http://10.0.0.5:8000/v1"


@pytest.mark.parametrize("yaml_text,where", [
    ("llm:\n  base_url: http://x/v1\n  model: m\n  timeout_s: soon\n", (4, "llm.timeout_s")),
    ("llm:\n  base_url: http://x/v1\n  model: m\n  retries: 99\n", (4, "llm.retries")),
    ("llm:\n  base_url: ftp://x\n  model: m\n", (2, "llm.base_url")),
    ("llm:\n  base_url: http://x/v1\n", (None, "llm.model")),
    ("llm:\n  base_url: http://x/v1\n  model: m\n  modle: typo\n", (1, "llm.modle")),
    ("llm: [1, 2]\n", (1, "llm")),
    ("llm:\n  base_url: http://x/v1\n  model: m\n  generate: always\n", (4, "llm.generate")),
])
def test_bad_settings_name_file_line_and_field(home, yaml_text, where):
    with pytest.raises(LaoshifuError) as caught:
        settings(home, yaml_text=yaml_text)
    problem = caught.value.problems[0]
    assert problem.file.endswith("config.yaml") and (problem.line, problem.field) == where


def test_a_bad_environment_value_names_the_variable(home):
    with pytest.raises(LaoshifuError) as caught:
        settings(home, {"LAOSHIFU_LLM_BASE_URL": "http://x/v1", "LAOSHIFU_LLM_MODEL": "m",
                        "LAOSHIFU_LLM_TEMPERATURE": "hot"})
    assert caught.value.problems[0].file == "LAOSHIFU_LLM_TEMPERATURE"


def test_network_scope():
    assert network_scope("http://127.0.0.1:11434/v1") == "loopback"
    assert network_scope("http://localhost:8000/v1") == "loopback"
    assert network_scope("http://10.1.2.3/v1") == "private"
    assert network_scope("http://192.168.1.20:8000/v1") == "private"
    assert network_scope("https://8.8.8.8/v1") == "public"
    assert network_scope("http://no-such-host.invalid/v1") == "unknown"


def test_a_public_endpoint_is_refused_unless_allowed():
    from laoshifu.llm.client import ModelClient
    from laoshifu.llm.config import ModelSettings

    client = ModelClient(ModelSettings(base_url="https://8.8.8.8/v1", model="m", timeout_s=1))
    with pytest.raises(LaoshifuError, match="public address"):
        client.complete([{"role": "user", "content": "hi"}])
    check = client.check()
    assert not check.ok and check.scope == "public" and "allow_public" in check.error
