"""What several browser tests do: log in through the login page."""

from playwright.sync_api import expect


def log_in_to_my_week(page, url, username="alice"):
    """Log a consultant in (their factory password) and wait for My week, their home page."""
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("My week")
