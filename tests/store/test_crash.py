"""A crash (kill -9) in the middle of an import leaves the store as it was."""

import os
import signal
import subprocess
import sys
import textwrap

from laoshifu.knowledge.folders import import_folder

from ..knowledge.test_folders import PARAMS, make_kb, snapshot

CHILD = textwrap.dedent("""
    import sys, time
    from laoshifu.store import Store
    from laoshifu.store.core import Store as Core
    from laoshifu.knowledge.folders import import_folder

    def pause(conn):
        # every row of the import is written, the transaction is not yet committed
        print("WRITTEN", flush=True)
        time.sleep(120)

    Core.bump_version = staticmethod(pause)
    store = Store.open(sys.argv[1])
    import_folder(store, sys.argv[2])
""")


def test_kill_9_mid_import_leaves_the_store_unchanged(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    before = snapshot(store)
    extra = "".join(f"dc-x{i},脱碳退火,参数{i},,℃,,,\n" for i in range(3000))
    (kb / "parameters.csv").write_text(PARAMS.replace("60,55,65", "61,55,66") + extra, encoding="utf-8")
    (kb / "procedures/p.md").unlink()
    child = subprocess.Popen([sys.executable, "-c", CHILD, store.url, str(kb)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "WRITTEN"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(store) == before
    # and the store still works: the same import now goes through
    report, _ = import_folder(store, kb)
    assert report.updated == ["dc-dp"] and len(report.created) == 3000
