"""The operator page in a real browser: Debian's headless Chromium driven by Selenium.

The browser and its driver come from Debian's packages (``chromium``, ``chromium-driver``;
``.ci/run`` installs them); Selenium is pointed at ``/usr/bin/chromedriver`` explicitly and
runs offline, so nothing is ever downloaded at run time. Each test saves screenshots under its
``tmp_path``. Without Chromium the tests fail and say what to install: CI has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from adapters.web.render import channel_url
from tests.adapters.web.conftest import HOSTILE, ML, PAUSED, TOKEN, Served

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install -y chromium chromium-driver"


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium from Debian's packages; a clear failure when they are missing."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(f"browser tests need {', '.join(missing)}: run `{INSTALL}` (CI does).")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download anything
        service = Service(executable_path=str(CHROMEDRIVER))
        driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(5)  # look-ups wait for the page a click is still loading
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, served: Served) -> Iterator[WebDriver]:
    """The browser, logged out, at a normal desktop size."""
    browser.set_window_size(1280, 1000)
    browser.get(served.base + "/ui/login")
    browser.delete_all_cookies()
    yield browser
    browser.delete_all_cookies()


def log_in(driver: WebDriver, base: str, path: str = "/ui/") -> None:
    """Open ``path``, meet the login form, type the token, and land on ``path``."""
    driver.get(base + path)
    driver.find_element(By.ID, "token").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url == base + path)
    driver.find_element(By.CSS_SELECTOR, "form.logout")  # the logged-in page has loaded


def no_alert(driver: WebDriver) -> bool:
    """Whether no script raised an alert (a hostile title that ran would)."""
    try:
        driver.switch_to.alert  # noqa: B018  # raises when there is none
    except NoAlertPresentException:
        return True
    return False


def test_log_in_and_open_every_page(page: WebDriver, served: Served, tmp_path: Path) -> None:
    log_in(page, served.base)
    assert page.find_element(By.ID, "library-size").text == "8"
    assert "paused channels" in page.find_element(By.CSS_SELECTOR, ".tiles").text
    page.save_screenshot(str(tmp_path / "overview.png"))
    page.find_element(By.LINK_TEXT, "Channels").click()
    rows = page.find_elements(By.CSS_SELECTOR, "#channels tbody tr")
    assert len(rows) == 4  # every workspace's channels: the operator runs them all
    page.save_screenshot(str(tmp_path / "channels.png"))
    page.find_element(By.LINK_TEXT, "#ml-infra").click()
    topics = page.find_element(By.CSS_SELECTOR, "ol.topics").text
    assert HOSTILE in topics  # shown as text, never run
    assert no_alert(page)
    page.save_screenshot(str(tmp_path / "channel.png"))
    page.find_element(By.LINK_TEXT, "Search").click()
    page.find_element(By.ID, "q").send_keys("diffusion agents")
    page.find_element(By.CSS_SELECTOR, "main form button").click()
    first = page.find_element(By.CSS_SELECTOR, "ol.results li")
    assert HOSTILE in first.text and "score" in first.text
    assert no_alert(page)
    page.save_screenshot(str(tmp_path / "search.png"))
    assert all((tmp_path / f"{name}.png").stat().st_size > 5_000 for name in ("overview", "search"))


def test_the_weekly_chart_renders(page: WebDriver, served: Served, tmp_path: Path) -> None:
    log_in(page, served.base, channel_url(ML))
    chart = page.find_element(By.ID, "weekly-chart")
    assert chart.size["width"] > 300 and chart.size["height"] > 80
    delivered = page.find_elements(By.CSS_SELECTOR, "#weekly-chart rect.bar-delivered")
    votes = page.find_elements(By.CSS_SELECTOR, "#weekly-chart rect.bar-votes")
    assert len(delivered) == len(votes) == 12
    drawn = [bar for bar in delivered if bar.size["height"] > 1]
    assert len(drawn) == 4  # one paper a week for the last four weeks
    tallest_vote = max(votes, key=lambda bar: bar.size["height"])
    assert "4 votes" in tallest_vote.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    chart.screenshot(str(tmp_path / "chart.png"))


def test_resume_a_paused_channel(page: WebDriver, served: Served, tmp_path: Path) -> None:
    log_in(page, served.base)
    paused = page.find_element(By.CSS_SELECTOR, "li.card.paused")
    assert "removed" in paused.text and "/papers resume" in page.page_source
    paused.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(page, 10).until(lambda d: channel_url(PAUSED) in d.current_url)
    assert page.find_element(By.ID, "status").text == "active"
    assert page.find_element(By.CSS_SELECTOR, ".notice").text == (
        "Digests are back on for this channel."
    )
    page.save_screenshot(str(tmp_path / "resumed.png"))
    assert served.app.channels.get_channel(PAUSED).paused_reason is None  # type: ignore[union-attr]
    page.get(served.base + "/ui/")
    assert "No channel is paused." in page.find_element(By.TAG_NAME, "main").text


def test_the_why_form_explains_a_paper(page: WebDriver, served: Served, tmp_path: Path) -> None:
    log_in(page, served.base, "/ui/why")
    Select(page.find_element(By.ID, "channel")).select_by_value(str(ML))
    page.find_element(By.ID, "paper").send_keys("https://arxiv.org/abs/2611.00004v2")
    page.find_element(By.CSS_SELECTOR, "#why-form button").click()
    answer = page.find_element(By.ID, "why-answer")
    assert "posted on 2026-11-" in answer.text
    assert "already posted in this channel" in answer.text
    page.save_screenshot(str(tmp_path / "why.png"))


def test_a_phone_sees_stacked_rows_without_sideways_scrolling(
    page: WebDriver, served: Served, tmp_path: Path
) -> None:
    log_in(page, served.base, "/ui/channels")
    page.set_window_size(390, 844)
    page.refresh()
    header = page.find_element(By.CSS_SELECTOR, "#channels thead")
    assert not header.is_displayed()  # rows become labelled cards
    wide = page.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 1
    page.save_screenshot(str(tmp_path / "channels-phone.png"))


def test_an_expired_session_goes_back_to_the_login_form(page: WebDriver, served: Served) -> None:
    log_in(page, served.base)
    page.delete_all_cookies()
    page.add_cookie({"name": "paperboy_ui", "value": "v1.1.forged.x", "path": "/ui"})
    page.get(served.base + "/ui/channels")
    assert page.find_elements(By.ID, "token")
    assert "ml-infra" not in page.page_source
