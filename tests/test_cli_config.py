"""Configuration comes from ``HUIWU_*``; nothing secret has a default in the code."""
import pytest

from core.config import ConfigError, Settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for key in list(__import__("os").environ):
        if key.startswith("HUIWU_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HUIWU_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def test_defaults_keep_everything_in_the_instance_folder(clean_env, tmp_path):
    settings = Settings.from_env()
    assert settings.instance_path == tmp_path / "instance"
    assert settings.database_url == f"sqlite:///{tmp_path / 'instance' / 'huiwu.sqlite3'}"
    assert (settings.locale, settings.timezone) == ("zh_Hans", "Asia/Shanghai")
    assert settings.secret_key == "" and settings.data_key == ""  # no default baked in


def test_secrets_are_generated_once_into_the_instance_folder(clean_env, tmp_path):
    first = Settings.from_env()
    first.ensure_secrets()
    second = Settings.from_env()
    second.ensure_secrets()
    assert len(first.secret_key) == 64 and first.secret_key != first.data_key
    assert (second.secret_key, second.data_key) == (first.secret_key, first.data_key)


def test_secrets_from_the_environment_win(clean_env):
    clean_env.setenv("HUIWU_SECRET_KEY", "kept-in-a-vault")
    settings = Settings.from_env()
    settings.ensure_secrets()
    assert settings.secret_key == "kept-in-a-vault"
    assert not (settings.instance_path / "secret_key").exists()


def test_locale_and_time_zone_from_the_environment(clean_env):
    clean_env.setenv("HUIWU_LOCALE", "en")
    clean_env.setenv("HUIWU_TIMEZONE", "Europe/Berlin")
    settings = Settings.from_env()
    assert (settings.locale, settings.timezone) == ("en", "Europe/Berlin")


def test_the_locale_from_the_environment_is_what_a_visitor_without_a_choice_sees(kernel):
    from core.app import create_app
    from tests.plugins_for_tests.helpers import another_kernel

    with another_kernel(kernel) as other:
        other.settings.locale = "en"
        page = create_app(kernel=other).test_client().get("/login")
    assert "Log in" in page.get_data(as_text=True)


@pytest.mark.parametrize("variable, value", [
    ("HUIWU_LOCALE", "zh"), ("HUIWU_TIMEZONE", "Beijing"), ("HUIWU_SMTP_PORT", "twenty-five")])
def test_a_wrong_value_names_its_variable(clean_env, variable, value):
    clean_env.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"^{variable}="):
        Settings.from_env()


def test_an_instance_folder_that_cannot_be_written_is_named(clean_env, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    settings = Settings.from_env(instance_path=tmp_path / "file" / "instance")
    with pytest.raises(ConfigError, match="set HUIWU_INSTANCE_PATH to a folder Huiwu may write to"):
        settings.ensure_secrets()
