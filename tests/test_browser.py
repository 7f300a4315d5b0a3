"""noiseLab's widgets in a real browser: JupyterLab + Debian's Chromium driven by Playwright.

A scratch copy of nbs/11_noiseLab.ipynb is opened in a JupyterLab started for this test (127.0.0.1, free port,
no token), Run > Run All Cells executes it, then the k, k' and guess-seed sliders are moved with the keyboard and
the PSNR readout and the images (their blob `src` and the PNG bytes behind it) must change. A full-page screenshot
goes to $SPARSEGROUPS_RUNS/browser/noiselab-widgets.png (else the test's tmp folder), and to
runs/browser-test/noiselab-widgets.png as well when SPARSEGROUPS_KEEP_SCREENSHOT is set.

Needs /usr/bin/chromium (`apt-get install -y chromium`) and the `playwright` Python package (a dev requirement;
`playwright install` is not needed). Without them the test skips, or fails where the env var CI is set.
The server is stopped by its PID (terminate, then kill) in the fixture's teardown, whatever happened.
"""
import importlib.util, json, os, re, shutil, socket, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import ROOT, script

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOK = "11_noiseLab.ipynb"
SHOT = "noiselab-widgets.png"
WIDGET_TIMEOUT_S = 150         # Run All until the LabWidget is on the page (5-10 s on a 2-core box)
MOVE_TIMEOUT_S = 30            # a slider move until the kernel's redraw is in the page

def _require_browser():
    "Fail in CI (env CI set), skip elsewhere, when Chromium or the playwright package is missing."
    missing = []
    if not CHROMIUM.is_file(): missing.append(f"{CHROMIUM} (install it: apt-get update && apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright Python package (install it: bash setup.sh, or .venv/bin/pip install playwright)")
    if missing:
        msg = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"): pytest.fail(msg + " [CI is set, so this is a failure, not a skip]", pytrace=False)
        pytest.skip(msg)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def _children(pid: int) -> list:
    "The server's descendants (its kernels) as psutil processes, so none outlives the test ([] without psutil)."
    try:
        import psutil
        return psutil.Process(pid).children(recursive=True)
    except Exception: return []

def _stop(proc: subprocess.Popen, kids: list):
    "Stop the server by its PID: SIGTERM (it shuts its kernels down), then SIGKILL; then kill any of its kernels left."
    if proc.poll() is None:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill(); proc.wait(10)
    for k in kids:                                     # psutil checks the PID still is that process (no PID reuse)
        try:
            if k.is_running(): k.kill()
        except Exception: pass

@pytest.fixture
def lab(tmp_path):
    "A JupyterLab serving a scratch copy of the noiseLab notebook: yields dict(url, log, tmp, kids); stopped by PID at teardown."
    _require_browser()
    exe = script("jupyter-lab")
    nbs = tmp_path / "nbs"; nbs.mkdir()
    shutil.copy(ROOT / "nbs" / NOTEBOOK, nbs / NOTEBOOK)          # the repo's notebook is never opened, so never saved
    settings = tmp_path / "lab-settings" / "@jupyterlab"
    for ext, cfg in {"apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
                     "notebook-extension/tracker": {"windowingMode": "none",          # every cell stays in the DOM
                                                    "autoStartDefaultKernel": True}}.items():
        f = settings / f"{ext}.jupyterlab-settings"; f.parent.mkdir(parents=True, exist_ok=True); f.write_text(json.dumps(cfg))
    env = {**os.environ, "SPARSEGROUPS_RUNS": str(tmp_path / "runs"),      # the notebook's own run folder
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data"), "IPYTHONDIR": str(tmp_path / "ipython")}
    env.setdefault("OMP_NUM_THREADS", "1")
    port = _free_port()
    cmd = [exe, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
           "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={nbs}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0: cmd.append("--allow-root")
    log = tmp_path / "jupyter-lab.log"
    with open(log, "w") as logf:
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    kids: list = []
    try:
        url, t0 = f"http://127.0.0.1:{port}", time.monotonic()
        while True:
            if proc.poll() is not None: pytest.fail(f"jupyter-lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.monotonic() - t0 > 60: pytest.fail(f"jupyter-lab did not answer in 60 s:\n{log.read_text()[-3000:]}", pytrace=False)
            time.sleep(0.3)
        print(f"\njupyter-lab PID {proc.pid} at {url} ({time.monotonic() - t0:.1f} s)")
        yield dict(url=url, log=log, tmp=tmp_path, kids=lambda: kids.extend(_children(proc.pid)))
    finally:
        kids.extend(_children(proc.pid))
        _stop(proc, kids)
        print(f"jupyter-lab PID {proc.pid} stopped (exit {proc.returncode})")

def _shot_path(tmp_path: Path) -> Path:
    runs = os.environ.get("SPARSEGROUPS_RUNS")
    p = (Path(runs) / "browser" if runs else tmp_path) / SHOT
    p.parent.mkdir(parents=True, exist_ok=True)
    return p

# JS: what a move can change. The images' PNG bytes are hashed (FNV-1a over the blob), not only their blob URLs.
STATE_JS = """async (root) => {
  const fnv = (buf) => { let h = 0x811c9dc5; for (const b of new Uint8Array(buf)) h = Math.imul(h ^ b, 16777619) >>> 0; return h.toString(16); };
  const out = {readout: root.querySelector(':scope > .widget-html .widget-html-content').innerText, images: {}, sliders: {}};
  for (const box of root.querySelectorAll('.widget-vbox')) {
    const label = box.querySelector(':scope > .widget-html .widget-html-content'), img = box.querySelector(':scope > img.widget-image');
    if (!label || !img) continue;
    let hash = null;
    try { hash = fnv(await (await fetch(img.src)).arrayBuffer()); } catch (e) { hash = 'fetch failed: ' + e; }
    out.images[label.innerText.trim()] = {src: img.src, hash: hash};
  }
  for (const s of root.querySelectorAll('.widget-slider'))
    out.sliders[s.querySelector('label.widget-label').innerText.trim()] = Number(s.querySelector('.noUi-handle').getAttribute('aria-valuenow'));
  return out;
}"""

@pytest.mark.slow
def test_noiselab_widgets_in_chromium(lab, tmp_path):
    from playwright.sync_api import sync_playwright
    t_start = time.monotonic()
    shot = _shot_path(tmp_path)
    shot.with_name("noiselab-widgets-failure.png").unlink(missing_ok=True)   # from an earlier failed run
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
            # wait for the kernel: Run All before it is there asks to select a kernel
            page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"Python.*\| Idle")).first.wait_for()
            print(f"notebook open, kernel idle: {time.monotonic() - t_start:.1f} s")
            page.get_by_role("menuitem", name="Run", exact=True).click()                 # Run > Run All Cells
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            t_run = time.monotonic()
            lab["kids"]()                                         # the kernel is up: remember its PID for teardown
            widget = page.locator(".jp-OutputArea-output > .widget-vbox").filter(has=page.locator(".widget-slider")).last
            error_out = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",   # JupyterLab
                                     has_text="Traceback (most recent call last)")                   # renders errors as stderr
            dialog = page.locator(".jp-Dialog")
            while True:                                           # the widget, or the first error output, whichever comes first
                if dialog.count():
                    text = dialog.first.inner_text()
                    if "Select Kernel" not in text: pytest.fail(f"unexpected dialog: {text}", pytrace=False)
                    dialog.first.locator(".jp-mod-accept").click()   # the default: Python 3 (ipykernel)
                    print("accepted the Select Kernel dialog")
                if error_out.count():
                    pytest.fail(f"a notebook cell failed under Run All:\n{error_out.first.inner_text()[-3000:]}", pytrace=False)
                if widget.count() and "dB" in widget.locator(":scope > .widget-html").last.inner_text(): break
                if time.monotonic() - t_run > WIDGET_TIMEOUT_S:
                    pytest.fail(f"no LabWidget with a PSNR readout {WIDGET_TIMEOUT_S} s after Run All; "
                                f"page errors {errors}; server log:\n{lab['log'].read_text()[-2000:]}", pytrace=False)
                time.sleep(0.5)
            print(f"Run All -> widget with readout: {time.monotonic() - t_run:.1f} s")
            widget.scroll_into_view_if_needed()
            handle = lambda name: widget.locator(".widget-slider").filter(
                has=page.locator("label.widget-label", has_text=re.compile(f"^{re.escape(name)}$"))).locator(".noUi-handle")
            state = lambda: widget.evaluate(STATE_JS)

            def move(name: str, key: str, expect_changed: tuple[str, ...]) -> tuple[dict, dict]:
                "Focus slider `name`'s handle, press `key`, wait until the readout and the images in expect_changed differ."
                before = state()
                h = handle(name); assert h.count() == 1, f"slider {name!r}: {h.count()} handles"
                h.focus(); page.keyboard.press(key)
                t0 = time.monotonic()
                while True:
                    after = state()
                    done = (after["sliders"][name] != before["sliders"][name] and after["readout"] != before["readout"]
                            and all(after["images"][r]["hash"] != before["images"][r]["hash"] for r in expect_changed))
                    if done: break
                    if time.monotonic() - t0 > MOVE_TIMEOUT_S:
                        pytest.fail(f"{key} on slider {name!r}: after {MOVE_TIMEOUT_S} s\nbefore {before}\nafter {after}", pytrace=False)
                    time.sleep(0.2)
                print(f"{name!r} {before['sliders'][name]} -> {after['sliders'][name]} ({key}) in {time.monotonic() - t0:.2f} s: "
                      f"{after['readout']!r}")
                return before, after

            s0 = state()
            assert set(s0["images"]) == {"input", "trusted", "public (as is)", "random guess"}, s0["images"].keys()
            assert all(v["src"].startswith(("blob:", "data:")) and re.fullmatch("[0-9a-f]+", v["hash"]) for v in s0["images"].values()), s0
            k0, kp0 = s0["sliders"]["k"], s0["sliders"]["k'"]
            assert set(s0["sliders"]) == {"k", "k'", "guess seed", "image"} and k0 + 2 < kp0, s0["sliders"]
            assert s0["sliders"]["guess seed"] == 0 and s0["sliders"]["image"] == 0, s0["sliders"]
            assert re.search(r"trusted: [\d.]+ dB.*public \(as is\): [\d.]+ dB.*random guess: [\d.]+ dB", s0["readout"].replace("\n", " ")), s0["readout"]

            # k: trusted, the public decode and the random guess are all recomputed
            b, a = move("k", "ArrowRight", ("trusted", "public (as is)", "random guess"))
            assert a["sliders"]["k"] == k0 + 1 and f"k={k0 + 1}," in a["readout"], a
            assert a["images"]["trusted"]["src"] != b["images"]["trusted"]["src"]
            assert a["images"]["input"] == b["images"]["input"]                     # the input does not depend on k
            # k': the public decode and the random guess; trusted is left as it was
            b, a = move("k'", "ArrowLeft", ("public (as is)", "random guess"))
            assert a["sliders"]["k'"] == kp0 - 1 and f"k'={kp0 - 1}" in a["readout"], a
            assert a["images"]["trusted"] == b["images"]["trusted"]
            # guess seed: only the random guess and its PSNR change
            b, a = move("guess seed", "PageUp", ("random guess",))
            assert a["sliders"]["guess seed"] > 0, a
            assert a["images"]["random guess"]["src"] != b["images"]["random guess"]["src"]
            assert a["images"]["trusted"] == b["images"]["trusted"] and a["images"]["public (as is)"] == b["images"]["public (as is)"]
            cell = lambda s, r: re.search(rf"{r}: ([\d.]+) dB", s["readout"]).group(1)     # that row's PSNR
            assert cell(a, "trusted") == cell(b, "trusted") and cell(a, "random guess") != cell(b, "random guess"), (b, a)
            # image: another face in every row
            move("image", "ArrowRight", ("input", "trusted", "public (as is)", "random guess"))
            assert not errors, f"JavaScript errors in the page: {errors}"
        except BaseException:
            try: page.screenshot(path=str(shot.with_name("noiselab-widgets-failure.png")), full_page=True)
            except Exception: pass
            raise
        else:
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    if os.environ.get("SPARSEGROUPS_KEEP_SCREENSHOT"):
        keep = ROOT / "runs" / "browser-test" / SHOT
        keep.parent.mkdir(parents=True, exist_ok=True); shutil.copy(shot, keep)
        print(f"screenshot kept: {keep}")
    print(f"browser part: {time.monotonic() - t_start:.1f} s")
