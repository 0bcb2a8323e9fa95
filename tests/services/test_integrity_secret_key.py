"""The signing key (finding 14): a generated key file is never readable by others, not
even for an instant, and a configured key that is too short stops the program at startup."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import MIN_SECRET_KEY_LENGTH, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_generated_key_file_is_created_owner_only(tmp_path, monkeypatch):
    """The mode is checked at every chmod (the old code wrote the file world-readable under
    the usual umask, then chmod'ed it): the file must never have existed with more."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("METERGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.delenv("METERGRAPH_SECRET_KEY", raising=False)
    seen: list[int] = []
    real_chmod = Path.chmod

    def watching_chmod(self, mode, **kwargs):
        seen.append(stat.S_IMODE(os.stat(self).st_mode))
        return real_chmod(self, mode, **kwargs)

    monkeypatch.setattr(Path, "chmod", watching_chmod)
    old_umask = os.umask(0o022)
    try:
        key = load_settings().secret_key
    finally:
        os.umask(old_umask)
    key_file = data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert all(mode == 0o600 for mode in seen), f"the key file existed with mode {oct(seen[0])}"
    assert len(key) >= MIN_SECRET_KEY_LENGTH
    assert load_settings().secret_key == key  # kept: tokens survive a restart


def test_existing_key_file_is_kept(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("k" * 40 + "\n")
    monkeypatch.setenv("METERGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.delenv("METERGRAPH_SECRET_KEY", raising=False)
    assert load_settings().secret_key == "k" * 40


@pytest.mark.parametrize("key", ["short", "x" * (MIN_SECRET_KEY_LENGTH - 1)])
def test_short_configured_key_is_refused(tmp_path, monkeypatch, key):
    monkeypatch.setenv("METERGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("METERGRAPH_SECRET_KEY", key)
    with pytest.raises(SettingsError, match=f"at least {MIN_SECRET_KEY_LENGTH}"):
        load_settings()


def test_key_of_minimum_length_is_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("METERGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("METERGRAPH_SECRET_KEY", "y" * MIN_SECRET_KEY_LENGTH)
    assert load_settings().secret_key == "y" * MIN_SECRET_KEY_LENGTH


def test_serve_refuses_to_start_with_a_short_key(tmp_path):
    """The command an operator runs stops with the reason, before opening any port."""
    env = {
        **os.environ,
        "METERGRAPH_SECRET_KEY": "too-short",
        "METERGRAPH_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "metergraph"), "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "METERGRAPH_SECRET_KEY" in done.stderr and f"at least {MIN_SECRET_KEY_LENGTH}" in done.stderr


def test_the_refusal_is_a_message_not_a_traceback(tmp_path):
    env = {**os.environ, "METERGRAPH_SECRET_KEY": "too-short", "METERGRAPH_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "metergraph"), "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith("metergraph: METERGRAPH_SECRET_KEY is 9 characters long")
    assert "Traceback" not in done.stderr


def test_the_data_dir_option_holds_the_generated_key(tmp_path, settings):
    """`--data-dir` is where a command keeps its generated key, not the working
    directory's `.metergraph` (it used to write there whatever --data-dir said)."""
    work, data_dir = tmp_path / "work", tmp_path / "chosen"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("METERGRAPH_SECRET_KEY", "METERGRAPH_DATA_DIR")}
    env.update(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "metergraph"), "migrate", "--data-dir", str(data_dir)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (data_dir / "secret_key").exists()
    assert not (work / ".metergraph").exists()
