"""The pages of every role, in a real headless Chromium (Selenium + Debian's chromium-driver).

Run by script/browser-test, which starts `juesuan serve --demo` and passes its address and the demo
logins in the environment. Screenshots at 1280 and 390 px go to docs/screenshots/web-*.png.
"""
import json
import os
import urllib.error
import urllib.request
import openpyxl
import re
import sys
import tempfile
import time
import unittest
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["JUESUAN_URL"]
PASSWORDS = dict(item.split("=", 1) for item in os.environ["JUESUAN_LOGINS"].split(","))
WORKBOOKS = os.environ["JUESUAN_WORKBOOKS"]  # folder with corrected.xlsx and cell-error.xlsx
MAIL = os.environ.get("JUESUAN_MAIL", "")  # where the local SMTP sink writes what it receives
SHOTS = os.environ.get("JUESUAN_SHOTS", "")
UNIT = "420103001001"
REPORT = f"/app/reports/2021/{UNIT}"


def browser(javascript=True, width=1280):
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"]:
        options.add_argument(argument)
    if width < 500:
        # A phone: desktop windows do not get narrower than about 500 px.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 2}})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(2)
    return driver


def confirmed(driver, element):
    """上报, 审核通过, 公开 ask first: a dialog with the script (accepted here), a confirmation page
    without it (its button pressed here)."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    try:
        WebDriverWait(driver, 3).until(expected_conditions.alert_is_present())
        driver.switch_to.alert.accept()
        WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))
    except Exception:
        WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))
        buttons = driver.find_elements(By.CSS_SELECTOR, "form.confirm button")
        if buttons:
            go(driver, buttons[0])


def go(driver, element):
    """Clicks something that loads a new page, and waits until the new page is there."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_):
        try:
            page.is_enabled()
            return False
        except Exception:  # stale, or no longer in the document
            return True
    WebDriverWait(driver, 30).until(gone)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def api_token(login):
    request = urllib.request.Request(URL + "/api/v1/session", data=json.dumps({"login": login, "password": PASSWORDS[login]}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    return json.load(urllib.request.urlopen(request))["token"]


def api_get(token, path):
    request = urllib.request.Request(URL + path, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(request))


def api_send(token, path, body, content_type="application/json", method="POST"):
    request = urllib.request.Request(URL + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    try:
        answer = urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path}：{error.code} {error.read().decode()[:400]}")
    return json.loads(answer) if answer else {}


def row_key(key):
    """A row key of the dataset's JSON as the pages name it: 行次, code, or the printed name."""
    kind, value = next(iter(key.items()))
    return str(value["_0"]) if isinstance(value, dict) else str(value)


def amount(fen, divisor):
    """An amount in 分 as typed in the table's unit, two decimals."""
    if fen is None:
        return ""
    from decimal import Decimal
    return str((Decimal(fen) / Decimal(divisor)).quantize(Decimal("0.01")))


def grouped(text):
    """An amount as the form shows it: with thousands separators."""
    from decimal import Decimal
    return f"{Decimal(text):,.2f}"


def number_text(value):
    if value is None:
        return ""
    from decimal import Decimal
    return format(Decimal(str(value)).normalize(), "f")


def indicator(row):
    return [row.get("level1", ""), row.get("level2", ""), row["name"], row.get("target", ""), row.get("actual", ""),
            number_text(row.get("weight")), number_text(row.get("statedScore"))]


def strip(form):
    """A form without where it was read from (a file, a version)."""
    if isinstance(form, dict):
        return {key: strip(value) for key, value in form.items() if key not in ("source", "line")}
    if isinstance(form, list):
        return [strip(value) for value in form]
    return form


def shoot(driver, name):
    """Screenshots of the current page at 1280 and 390 px; the page never scrolls sideways at 390."""
    if not SHOTS:
        return
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        time.sleep(0.2)
        height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
        driver.set_window_size(width, max(700, height))
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(SHOTS, f"web-{name}-{width}.png"))
    driver.set_window_size(1280, 900)


# A small PNG (a seal-like red disc with a gold ring), for the bureau's logo.
LOGO_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAiklEQVR42u2X3Q2AMAiEGcFJ3H8EN3CcukAtHkfDNbYJr9wXyq/Z"
    "au86zjayEtGpMFFxGuLNYbttaCkgEeEvICFxVNgDgQBY8R5EmjiTG1TovawPf4XnBC0/OAqlANniMIQ0ANuKN8D6AP+ogt0JJYZR"
    "+TiWWEgkVrLypVRiLZc4TGROM4njdOZ7ADVlhpeAi8fXAAAAAElFTkSuQmCC"
)


class Pages(unittest.TestCase):
    def setUp(self):
        self.driver = browser()

    def tearDown(self):
        self.driver.quit()

    # helpers
    def login(self, who, driver=None):
        driver = driver or self.driver
        driver.get(URL + "/login")
        driver.find_element(By.ID, "login").send_keys(who)
        driver.find_element(By.ID, "password").send_keys(PASSWORDS[who])
        go(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        problems = driver.find_elements(By.CSS_SELECTOR, ".problem")
        self.assertNotIn("/login", driver.current_url, f"{who}：" + (problems[0].text if problems else driver.page_source[-800:]))

    def logout(self, driver=None):
        driver = driver or self.driver
        go(driver, driver.find_element(By.CSS_SELECTOR, ".who form button"))

    def notice(self, driver=None):
        driver = driver or self.driver
        found = driver.find_elements(By.CSS_SELECTOR, ".notice")
        return found[0].text if found else ""

    def problem(self, driver=None):
        driver = driver or self.driver
        found = driver.find_elements(By.CSS_SELECTOR, ".problem")
        return found[0].text if found else ""

    def upload(self, path, driver=None):
        driver = driver or self.driver
        driver.get(URL + REPORT)
        driver.find_element(By.ID, "file").send_keys(path)
        go(driver, driver.find_element(By.CSS_SELECTOR, "form.upload button"))

    def transition(self, action, reason=None, driver=None, report=REPORT):
        driver = driver or self.driver
        driver.get(URL + report)
        if reason is not None:
            driver.find_element(By.ID, "reason").send_keys(reason)
            go(driver, driver.find_element(By.CSS_SELECTOR, "form.return button"))
        else:
            confirmed(driver, driver.find_element(By.XPATH, f"//form[input[@name='action' and @value='{action}']]//button"))

    def sign_off(self, back_as, driver=None, head="fuzeren", report=REPORT):
        """单位负责人 confirms the report as it is now (审核确认), then the filler is back."""
        driver = driver or self.driver
        self.logout(driver)
        self.login(head, driver=driver)
        driver.get(URL + report)
        go(driver, driver.find_element(By.XPATH, f"//form[@action='{report}/confirm']//button"))
        self.assertIn("已审核确认", self.notice(driver))
        self.assertIn("审核确认", driver.find_element(By.CSS_SELECTOR, "p.confirmation").text)
        self.logout(driver)
        self.login(back_as, driver=driver)
        driver.get(URL + report)

    def explain_all(self, driver=None):
        """Every warning explained in the one form of the findings, saved together once."""
        driver = driver or self.driver
        forms = driver.find_elements(By.CSS_SELECTOR, "form.explain-all")
        if not forms:
            return
        boxes = [box for box in forms[0].find_elements(By.TAG_NAME, "textarea") if not box.get_attribute("value")]
        # Each box is labelled with its own warning.
        labels = [driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").text for box in boxes]
        self.assertEqual(len(set(labels)), len(labels))
        for box in boxes:
            box.send_keys("经核实，系口径差异，数字无误。")
        go(driver, forms[0].find_element(By.XPATH, ".//button[text()='保存全部说明']"))
        self.assertIn("条说明", self.notice(driver))
        # Back at the findings, not the top of the page.
        self.assertTrue(driver.current_url.endswith("#findings"))

    def resubmit_to(self, reviewer):
        """The filler explains what is left, the head confirms, 上报; the reviewer opens the report."""
        d = self.driver
        self.explain_all()
        self.sign_off("tianbao")
        self.transition("submit")
        self.assertIn("上报成功", self.notice())
        self.logout()
        self.login(reviewer)
        d.get(URL + REPORT)

    def state(self, driver=None):
        driver = driver or self.driver
        return driver.find_element(By.CSS_SELECTOR, "p.status .state").text

    # the tests
    def test_1_cycle(self):
        """单位 uploads a workbook with an error and sees it at its cell; fixes, explains, submits; 主管部门 returns with a
        reason; 单位 resubmits; 主管部门 and 财政 approve; publish; the public page has no review information."""
        d = self.driver
        d.get(URL + "/login")
        shoot(d, "login")
        self.login("tianbao")
        self.assertIn(REPORT, d.current_url)
        shoot(d, "login-landing")
        self.upload(os.path.join(WORKBOOKS, "cell-error.xlsx"))
        self.assertIn("已保存为第", self.notice())
        cells = d.find_elements(By.CSS_SELECTOR, "section.rendered td.error")
        self.assertTrue(cells, "表中应标出出错的单元格")
        # The finding in the list links to its cell, and the cell tells why on hover.
        link = d.find_element(By.CSS_SELECTOR, "#findings li.error a[href^='#c-']")
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()  # an anchor on the same page
        cell = d.find_element(By.ID, target)
        self.assertIn("error", cell.get_attribute("class"))
        self.assertTrue(cell.get_attribute("title"))
        shoot(d, "report-error")
        # Submission is refused, with the reason shown.
        self.transition("submit")
        self.assertIn("不能上报", self.problem())
        self.assertIn("错误未改正", self.problem())
        # The fixed workbook; every warning explained; submit.
        self.upload(os.path.join(WORKBOOKS, "corrected.xlsx"))
        self.assertIn("错误 0 个", self.notice())
        self.explain_all()
        shoot(d, "report-explained")
        # 上报 waits for 单位负责人's 审核确认.
        self.assertIn("尚待单位负责人审核确认", d.page_source)
        self.sign_off("tianbao")
        self.transition("submit")
        self.assertIn("上报成功", self.notice())
        self.assertEqual(self.state(), "已上报")
        self.logout()
        # 主管部门 finds it in the inbox and returns it with a reason.
        self.login("zhuguan")
        d.get(URL + "/app/inbox?year=2021&state=" + "已上报")
        d.find_element(By.ID, "q").send_keys("人民政府办公室")
        go(d, d.find_element(By.CSS_SELECTOR, "form.search button"))
        go(d, d.find_element(By.LINK_TEXT, "武汉市江汉区人民政府办公室"))
        self.transition("return", reason="表3 与表5 的基本支出请再核对。")
        self.assertIn("退回成功", self.notice())
        self.logout()
        # 单位 sees the reason and submits again.
        self.login("tianbao")
        d.get(URL + REPORT)
        self.assertIn("表3 与表5 的基本支出请再核对。", d.find_element(By.CSS_SELECTOR, ".returned").text)
        # The return changed the report: the head confirms again.
        self.sign_off("tianbao")
        self.transition("submit")
        self.assertEqual(self.state(), "已上报")
        self.logout()
        # 主管部门 approves; 财政 approves and publishes.
        self.login("zhuguan")
        self.transition("approve")
        self.assertEqual(self.state(), "主管部门已审核")
        self.logout()
        self.login("caizheng")
        self.transition("approve")
        self.assertEqual(self.state(), "财政已审核")
        self.transition("publish")
        self.assertEqual(self.state(), "已公开")
        shoot(d, "report-published")
        self.logout()
        # The public page: the disclosure, no review information.
        d.get(URL + f"/public/2021/{UNIT}/")
        shoot(d, "public-disclosure")
        source = d.page_source
        self.assertIn("武汉市江汉区人民政府办公室", source)
        for word in ["检查结果", "经核实，系口径差异", "退回", "警告", "review-findings"]:
            self.assertNotIn(word, source)
        d.get(URL + "/public/2021/")
        self.assertIn("武汉市江汉区人民政府办公室", d.page_source)
        shoot(d, "public-index")

    def test_2_inbox(self):
        """The inbox with 300+ units: progress bars, filter chips, search, server-side paging."""
        d = self.driver
        self.login("caizheng")
        d.get(URL + "/app/password")
        shoot(d, "password")
        # The inbox opens on what awaits 财政; “全部” shows every unit.
        d.get(URL + "/app/inbox?year=2021")
        self.assertEqual(d.find_element(By.CSS_SELECTOR, "nav.chips[aria-label='按问题筛选'] a[aria-current]").text, "待我审核")
        d.get(URL + "/app/inbox?year=2021&problem=all")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "ul.bars li"))
        total = int(re.search(r"辖区进度：(\d+)", d.page_source).group(1))
        self.assertGreaterEqual(total, 300)
        rows = d.find_elements(By.CSS_SELECTOR, "table.inbox tbody tr")
        self.assertEqual(len(rows), 50)
        shoot(d, "inbox")
        go(d, d.find_element(By.CSS_SELECTOR, "a[rel=next]"))
        self.assertIn("offset=50", d.current_url)
        self.assertIn("第 51–100 条", d.find_element(By.CSS_SELECTOR, ".pager").text)
        go(d, d.find_element(By.PARTIAL_LINK_TEXT, "已上报"))
        states = {cell.text for cell in d.find_elements(By.CSS_SELECTOR, "table.inbox tbody td .state")}
        self.assertEqual(states, {"已上报"})
        d.get(URL + "/app/inbox?year=2021&problem=all")
        d.find_element(By.ID, "q").send_keys("420103002")
        go(d, d.find_element(By.CSS_SELECTOR, "form.search button"))
        codes = [row.find_elements(By.TAG_NAME, "td")[1].text for row in d.find_elements(By.CSS_SELECTOR, "table.inbox tbody tr")]
        self.assertTrue(codes and all(code.startswith("420103002") for code in codes))

    def test_3_batch(self):
        """Batch audit: many published reports at once, a progress bar per file and in total, results matched to units."""
        d = self.driver
        self.login("caizheng")
        d.get(URL + "/app/batches")
        files = os.environ["JUESUAN_BATCH_FILES"].split(",")
        # The seed with one figure of 表2 changed (a 款 no longer its 项's sum): findings at cells.
        with open(files[0], encoding="utf-8") as handle:
            seed = handle.read()
        planted = os.path.join(tempfile.mkdtemp(), "江汉-改动.txt")
        with open(planted, "w", encoding="utf-8") as handle:
            handle.write(seed.replace("2010302   一般行政管理事务 729.62 729.62", "2010302   一般行政管理事务 739.62 739.62", 1))
        files.append(planted)
        # The name starts empty (a placeholder shows an example): what is typed is the name.
        name = d.find_element(By.ID, "name")
        self.assertEqual(name.get_attribute("value"), "")
        name.send_keys("江汉区 2021 批量审查")
        # One bad file among them refuses the whole upload: nothing is queued.
        bad = os.path.join(tempfile.mkdtemp(), "坏文件.txt")
        with open(bad, "wb") as handle:
            handle.write(b"\xff\xfe\x00not text")
        d.find_element(By.ID, "files").send_keys("\n".join(files + [bad]))
        go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
        self.assertIn("坏文件.txt", self.problem())
        self.assertNotIn("江汉区 2021 批量审查", d.page_source)
        d.find_element(By.ID, "name").send_keys("江汉区 2021 批量审查")
        d.find_element(By.ID, "files").send_keys("\n".join(files))
        go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
        self.assertIn("排队审查", self.notice())
        self.assertTrue(d.find_element(By.ID, "total-progress"))
        shoot(d, "batch-progress")
        deadline = time.time() + 60
        while time.time() < deadline:
            text = d.find_element(By.ID, "total-text").text
            if text.startswith(f"{len(files)}/{len(files)}"):
                break
            time.sleep(1)
        d.refresh()
        self.assertIn(f"{len(files)}/{len(files)}", d.find_element(By.ID, "total-text").text)
        self.assertIn(UNIT, d.page_source)  # the seed's unit matched by name
        shoot(d, "batch-done")
        batch_page = d.current_url
        # Each file's findings in the browser; a 部门预算 read by its own layout, its year said when it differs.
        budget = [f for f in files if "budget" in os.path.basename(f)]
        if budget:
            go(d, d.find_element(By.LINK_TEXT, os.path.basename(budget[0])))
            self.assertIn("部门预算", d.find_element(By.CSS_SELECTOR, "main h1").text)
            self.assertIn("报告为 2025 年度", d.find_element(By.CSS_SELECTOR, "main").text)
            self.assertTrue(d.find_elements(By.CSS_SELECTOR, "main table.list tr.error"))
            shoot(d, "batch-job")
        # A final accounts document's page shows its tables as read, the findings marked at their cells and linked from the list.
        anchors = 0
        for path in [f for f in files if "budget" not in os.path.basename(f)]:
            d.get(batch_page)
            go(d, d.find_element(By.LINK_TEXT, os.path.basename(path)))
            self.assertTrue(d.find_elements(By.CSS_SELECTOR, "section.rendered table"), path)
            links = d.find_elements(By.CSS_SELECTOR, "main table.list a[href^='#c-']")
            for link in links[:3]:
                cell = d.find_element(By.ID, link.get_attribute("href").split("#", 1)[1])
                self.assertRegex(cell.get_attribute("class") or "", "error|warning")
            if links and not anchors:
                links[0].click()
                shoot(d, "batch-job-cells")
            anchors += len(links)
        self.assertGreater(anchors, 0, "some finding of the final accounts documents is at a cell")

    def test_4_narrow(self):
        """At 390 px the page never scrolls sideways: wide tables scroll inside their box."""
        d = browser(width=390)
        try:
            self.login("zhuguan", driver=d)
            for path in ["/app/inbox?year=2021", f"/app/reports/2021/420103001100", "/app/batches", "/public/2021/"]:
                d.get(URL + path)
                width = d.execute_script("return document.documentElement.scrollWidth")
                self.assertLessEqual(width, 390, path)
        finally:
            d.quit()

    def test_5_without_javascript(self):
        """Login, upload, explanation, submit, return and approve all work as plain forms."""
        d = browser(javascript=False)
        unit = "420103002100"
        report = f"/app/reports/2021/{unit}"
        try:
            self.assertFalse(d.execute_script("return true") if False else False)
            d.get(URL + "/login")
            d.find_element(By.ID, "login").send_keys("admin")
            d.find_element(By.ID, "password").send_keys(PASSWORDS["admin"])
            go(d, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
            d.get(URL + "/app/admin")
            for login, role in [("nojs-head", "head"), ("nojs", "filler")]:
                for field, value in [("u-login", login), ("u-name", "无脚本" + role), ("u-org", unit), ("u-password", "quiet-harbor-71")]:
                    d.find_element(By.ID, field).send_keys(value)
                d.find_element(By.XPATH, f"//select[@id='u-role']/option[@value='{role}']").click()
                go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/users']//button"))
                self.assertIn(f"已建用户 {login}", self.notice(d))
            PASSWORDS["nojs-head"] = "quiet-harbor-71"
            go(d, d.find_element(By.CSS_SELECTOR, ".who form button"))
            PASSWORDS["nojs"] = "quiet-harbor-71"
            self.login("nojs", driver=d)
            d.get(URL + report)
            # A workbook naming another unit is refused (nothing stored) ...
            d.find_element(By.ID, "file").send_keys(os.path.join(WORKBOOKS, "corrected.xlsx"))
            go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
            self.assertIn("不能存为本单位的版本", d.page_source)
            # ... the same figures under this unit's own name are taken.
            name = d.title.split(" · ")[0]
            own = os.path.join(WORKBOOKS, f"{unit}.xlsx")
            book = openpyxl.load_workbook(os.path.join(WORKBOOKS, "corrected.xlsx"))
            for row in book["数据集"].iter_rows():
                if row[0].value == "单位":
                    row[1].value = name
            book.save(own)
            d.find_element(By.ID, "file").send_keys(own)
            go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
            self.assertIn("已保存为第", self.notice(d))
            self.explain_all(driver=d)
            self.sign_off("nojs", driver=d, head="nojs-head", report=report)
            # Without the script, 上报 shows a confirmation page first.
            go(d, d.find_element(By.XPATH, "//form[input[@name='action' and @value='submit']]//button"))
            self.assertIn("确认上报", d.find_element(By.TAG_NAME, "h1").text)
            shoot(d, "confirm-submit")
            go(d, d.find_element(By.CSS_SELECTOR, "form.confirm button"))
            self.assertEqual(self.state(d), "已上报")
            go(d, d.find_element(By.CSS_SELECTOR, ".who form button"))
            self.login("zhuguan", driver=d)
            d.get(URL + "/app/reports/2021/420103002100")
            # zhuguan is the first 主管部门's reviewer: this unit is outside the subtree.
            self.assertIn("不在您的管辖范围内", d.page_source)
            go(d, d.find_element(By.CSS_SELECTOR, ".who form button"))
            self.login("caizheng", driver=d)
            d.get(URL + report)
            # 财政 does not approve or return what its 主管部门 has not reviewed: the page offers neither
            # (it shows what the store allows), and the state is unchanged.
            self.assertEqual(d.find_elements(By.ID, "reason"), [])
            self.assertEqual(d.find_elements(By.XPATH, "//form[input[@name='action' and @value='approve']]"), [])
            self.assertEqual(self.state(d), "已上报")
        finally:
            d.quit()

    def test_6_escaping(self):
        """Names, explanations and file names typed by users are shown as text, never run."""
        d = self.driver
        self.login("admin")
        d.get(URL + "/app/admin")
        evil = "<script>window.__xss=1</script>\"'><img src=x onerror=window.__xss=2>"
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
            handle.write("单位编码,名称,上级编码,类型\n")
            handle.write(f"420103003999,\"{evil.replace(chr(34), chr(34) * 2)}\",420103003,单位\n")
            path = handle.name
        d.find_element(By.ID, "org-file").send_keys(path)
        go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/orgs']//button"))
        self.assertIn("新增 1", self.notice())
        for field, value in [("u-login", "evil"), ("u-name", evil), ("u-org", "420103003999"), ("u-password", "amber-lantern-42")]:
            d.find_element(By.ID, field).send_keys(value)
        go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/users']//button"))
        self.assertIn("已建用户 evil", self.notice())
        self.assertIsNone(d.execute_script("return window.__xss"))
        shoot(d, "admin")
        d.get(URL + "/app/inbox?year=2021&q=420103003999")
        self.assertIn("<script>window.__xss=1</script>", d.find_element(By.CSS_SELECTOR, "table.inbox").text)
        self.assertIsNone(d.execute_script("return window.__xss"))
        self.logout()
        PASSWORDS["evil"] = "amber-lantern-42"
        self.login("evil")
        self.assertIn("<script>", d.find_element(By.CSS_SELECTOR, ".who").text)
        self.assertIsNone(d.execute_script("return window.__xss"))
        # A file name with markup, and an explanation with markup.
        folder = tempfile.mkdtemp()
        named = os.path.join(folder, "<img src=x onerror=window.__xss=3>.xlsx")
        # The unit's own workbook: the example's figures under this unit's (hostile) name.
        book = openpyxl.load_workbook(os.path.join(WORKBOOKS, "corrected.xlsx"))
        for row in book["数据集"].iter_rows():
            if row[0].value == "单位":
                row[1].value = evil
        book.save(named)
        d.get(URL + "/app/reports/2021/420103003999")
        d.find_element(By.ID, "file").send_keys(named)
        go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
        form = d.find_element(By.CSS_SELECTOR, "form.explain-all")
        form.find_element(By.TAG_NAME, "textarea").send_keys(evil)
        go(d, form.find_element(By.XPATH, ".//button[text()='保存全部说明']"))
        self.assertIn("onerror=window.__xss=3", d.find_element(By.CSS_SELECTOR, "section.versions").text)
        self.assertIn("<script>window.__xss=1</script>", d.find_element(By.CSS_SELECTOR, ".explanation").text)
        self.assertIsNone(d.execute_script("return window.__xss"))

    def test_7_locked_user_reset(self):
        """A locked-out person: the administrator resets the password to a one-time one; the person logs
        in with it and must change it before anything else."""
        d = self.driver
        for _ in range(6):
            request = urllib.request.Request(URL + "/api/v1/session", data=json.dumps({"login": "fuzeren", "password": "wrong-password"}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            try:
                urllib.request.urlopen(request)
            except urllib.error.HTTPError:
                pass
        self.login("admin")
        d.get(URL + "/app/admin")
        row = d.find_element(By.XPATH, "//tr[td[1][text()='fuzeren']]")
        self.assertIn("已锁定", row.text)
        go(d, row.find_element(By.XPATH, ".//form[contains(@action, '/reset')]//button"))
        secret = d.find_element(By.CSS_SELECTOR, ".secret code").text
        self.assertEqual(len(secret), 12)
        shoot(d, "admin-reset")
        self.logout()
        PASSWORDS["fuzeren"] = secret
        self.login("fuzeren")
        self.assertIn("/app/password", d.current_url)
        self.assertIn("请先修改密码", self.notice())
        d.get(URL + REPORT)
        self.assertIn("/app/password", d.current_url, "改密码之前哪里也去不了")
        d.find_element(By.ID, "current").send_keys(secret)
        d.find_element(By.ID, "new").send_keys("Spring-river-2026")
        go(d, d.find_element(By.CSS_SELECTOR, "main form button"))
        self.assertIn("密码已修改", self.notice())
        PASSWORDS["fuzeren"] = "Spring-river-2026"
        d.get(URL + REPORT)
        self.assertNotIn("/app/password", d.current_url)

    def test_8_editor(self):
        """网页填报: a new unit types 表1 by keyboard and sees the totals fill in, a mistyped cell marked; adds 表2
        rows by code and pastes a block copied from a spreadsheet; saves the draft as a version."""
        d = self.driver
        unit = "420103003998"
        self.login("admin")
        self.add_unit(unit, "网页填报试点单位", "420103003")
        for field, value in [("u-login", "tianxie"), ("u-name", "网页填报员"), ("u-org", unit), ("u-password", "quiet-harbor-72")]:
            d.find_element(By.ID, field).send_keys(value)
        d.find_element(By.XPATH, "//select[@id='u-role']/option[@value='filler']").click()
        go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/users']//button"))
        self.logout()
        PASSWORDS["tianxie"] = "quiet-harbor-72"
        self.login("tianxie")
        report = f"/app/reports/2021/{unit}"
        d.get(URL + report)
        go(d, d.find_element(By.LINK_TEXT, "在网页中填写九张表（网页填报）"))
        self.assertIn("空白报表", d.find_element(By.ID, "editor-status").text)
        cell = lambda name: d.find_element(By.CSS_SELECTOR, f'input[name="{name}"]')
        computed = lambda name: d.find_element(By.CSS_SELECTOR, f'td[data-name="{name}"]')
        wait = WebDriverWait(d, 15)
        # Keyboard: type, Enter moves down; the total of 第27行 follows as the draft is saved.
        first = cell("c|1|1")
        first.click()
        first.send_keys("1,813.94\n")
        self.assertEqual(d.switch_to.active_element.get_attribute("name"), "c|2|1")
        wait.until(lambda _: computed("c|27|1").text == "1,813.94")
        wait.until(lambda _: "已自动保存" in d.find_element(By.ID, "editor-status").text)
        # A value that is not an amount: refused at its cell, the previous value kept in the draft.
        second = cell("c|28|1")
        second.send_keys("12..3\t")
        wait.until(lambda _: cell("c|28|1").get_attribute("aria-invalid") == "true")
        self.assertIn("有两个小数点", cell("c|28|1").get_attribute("title"))
        second = cell("c|28|1")
        second.clear()
        second.send_keys("\t")
        wait.until(lambda _: cell("c|28|1").get_attribute("aria-invalid") is None)
        shoot(d, "editor-table1")
        # 表2: rows by code (their 款 and 类 appear), then a block pasted as from Excel.
        go(d, d.find_element(By.LINK_TEXT, "表2"))
        for code in ["2010301", "2010302"]:
            d.find_element(By.ID, "add").send_keys(code)
            go(d, d.find_element(By.XPATH, "//button[@value='add']"))
        self.assertIn("政府办公厅（室）及相关机构事务", d.page_source)
        paste = """
            const input = document.querySelector(arguments[0]); input.focus();
            const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
            input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        """
        d.execute_script(paste, 'input[name="c|2010301|2"]', "651.00\n729.62\n")
        wait.until(lambda _: computed("c|20103|2").text == "1,380.62")
        self.assertEqual(computed("c|合计|1").text, "1,380.62")
        self.assertEqual(cell("c|2010302|2").get_attribute("value"), "729.62")
        # A block wider than the table: refused, nothing pasted.
        d.execute_script(paste, 'input[name="c|2010301|7"]', "1\t2\t3")
        wait.until(lambda _: "没有粘贴" in d.find_element(By.ID, "editor-status").text)
        shoot(d, "editor-table2")
        # The draft survives: a new page shows it, then it is saved as a version.
        d.get(URL + report + "/edit?table=2")
        self.assertEqual(cell("c|2010301|2").get_attribute("value"), "651.00")
        go(d, d.find_element(By.XPATH, "//button[@value='commit']"))
        self.assertIn("已保存为第 1 版", self.notice())
        self.assertIn("网页填报", d.find_element(By.CSS_SELECTOR, "section.versions").text)
        # 基本情况与说明: facts by key; Part 3 previewed from the figures.
        d.get(URL + report + "/edit?table=0")
        d.find_element(By.NAME, "f|原因.收支总计变动").send_keys("新设单位，首年填报。")
        go(d, d.find_element(By.XPATH, "//button[@value='save']"))
        self.assertIn("已保存草稿", self.notice())
        self.assertIn("第三部分 情况说明", d.find_element(By.CSS_SELECTOR, "section.narrative-preview").text)
        shoot(d, "editor-facts")
        # 绩效自评: a project form typed field by field (Tab moves on), its indicator rows too; saved, the
        # scores the rules give shown beside it; a budget that is not an amount refused with what was typed kept.
        go(d, d.find_element(By.LINK_TEXT, "绩效自评"))
        go(d, d.find_element(By.PARTIAL_LINK_TEXT, "新增项目表"))
        field = lambda name: d.find_element(By.NAME, name)
        for name, value in [("p|项目名称", "2021年慰问一线工作人员专项经费"), ("p|实施单位", "区政府办"), ("p|项目类别", "专项资金"),
                            ("p|项目类型", "一次性项目"), ("p|自评得分", "100"), ("p|预算执行.分值", "20"), ("p|预算执行.预算数", "四十四万"),
                            ("p|预算执行.执行数", "440000"), ("p|预算执行.执行率", "100%"), ("p|预算执行.得分", "20"), ("p|总目标.分值", "20"),
                            ("p|总目标.年初设定目标", "春节、夏季高温慰问一线工作人员"), ("p|总目标.得分", "20"), ("p|指标表.分值", "60")]:
            element = field(name)
            element.clear()
            element.send_keys(value)
        rows = [("产出指标", "数量指标", "指标1：春节慰问一线工作人员", "1次", "1次", "30", "30"),
                ("满意度指标", "满意度指标", "指标1：慰问单位满意率", "≥98%", "100%", "30", "30")]
        for number, row in enumerate(rows):
            first = field(f"i|{number}|一级")
            first.click()
            first.send_keys("\t".join(row))
        go(d, d.find_element(By.XPATH, "//button[@value='save']"))
        self.assertIn("没有保存", d.find_element(By.CSS_SELECTOR, "div.problem").text)
        self.assertEqual(field("i|1|名称").get_attribute("value"), "指标1：慰问单位满意率")
        budget = field("p|预算执行.预算数")
        budget.clear()
        budget.send_keys("440000")
        go(d, d.find_element(By.XPATH, "//button[@value='save']"))
        self.assertIn("已保存这张自评表", self.notice())
        self.assertIn("2021年慰问一线工作人员专项经费", d.find_element(By.CSS_SELECTOR, "nav[aria-label='自评表']").text)
        self.assertIn("按评分规则", d.page_source)
        shoot(d, "editor-performance")

    def test_8b_whole_example(self):
        """网页填报, the whole example: a new unit with no data enters the Jianghan 2021 example's nine tables (rows by
        code, values as blocks pasted from a tab-separated copy), sees every total fill in; its base information and
        reasons; two 绩效自评 forms (their indicator rows pasted); saves a version; 单位负责人 confirms; 上报. The
        version's dataset then equals the example in all it entered (compared through the API)."""
        d = self.driver
        unit, filler, head = "420103003997", "zhengbiao", "zhengbiaofz"
        self.login("admin")
        self.add_unit(unit, "整表录入单位", "420103003")
        for login, name, role in [(filler, "整表录入员", "filler"), (head, "整表负责人", "head")]:
            d.get(URL + "/app/admin")
            for field, value in [("u-login", login), ("u-name", name), ("u-org", unit), ("u-password", "steady-river-58")]:
                d.find_element(By.ID, field).send_keys(value)
            d.find_element(By.XPATH, f"//select[@id='u-role']/option[@value='{role}']").click()
            go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/users']//button"))
            PASSWORDS[login] = "steady-river-58"
        self.logout()
        # The example as the server holds it: a version of the example unit uploaded from corrected.xlsx.
        token = api_token("caizheng")
        listed = api_get(token, f"/api/v1/reports/2021/{UNIT}/versions")
        items = listed if isinstance(listed, list) else listed.get("items", listed.get("versions", []))
        number = max(v["number"] for v in items if v["filename"] == "corrected.xlsx")
        example = api_get(token, f"/api/v1/reports/2021/{UNIT}/versions/{number}/dataset")

        self.login(filler)
        report = f"/app/reports/2021/{unit}"
        paste = """
            const input = document.querySelector(arguments[0]); input.focus();
            const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
            input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        """
        wait = WebDriverWait(d, 30)
        for number in range(1, 10):
            table = example["tables"][str(number)]
            divisor = 1_000_000 if table["unit"] == "万元" else 100
            values = {f"c|{row_key(row['key'])}|{column}": amount(fen, divisor) for row in table["rows"] for column, fen in row["cells"].items()}
            d.get(URL + report + f"/edit?table={number}")
            codes = [row_key(row["key"]) for row in table["rows"] if ("function" in row["key"] or "economic" in row["key"]) and row["cells"]]
            if codes and d.find_elements(By.ID, "add"):
                d.find_element(By.ID, "add").send_keys(" ".join(codes))
                go(d, d.find_element(By.XPATH, "//button[@value='add']"))
            grid = d.execute_script("""return Array.from(document.querySelector('table.grid').tBodies[0].rows).map(function (row) {
                return Array.from(row.cells).map(function (cell) {
                  var input = cell.querySelector('input'); return input ? input.name : (cell.getAttribute('data-name') ? '=' + cell.getAttribute('data-name') : null); }); });""")
            # Blocks of consecutive rows, each pasted at its first row's first input, as copied from a spreadsheet.
            blocks, current = [], None
            for index, cells in enumerate(grid):
                inputs = [c for c, name in enumerate(cells) if name and not name.startswith("=")]
                if not inputs:
                    continue
                if current is None or min(inputs) < current["start"] or index != current["rows"][-1] + 1:
                    current = {"start": min(inputs), "rows": []}
                    blocks.append(current)
                current["rows"].append(index)
            for block in blocks:
                lines = []
                for index in block["rows"]:
                    lines.append("\t".join(values.get(name, "") if name and not name.startswith("=") else "" for name in grid[index][block["start"]:]))
                first = grid[block["rows"][0]][block["start"]]
                if len(lines) == 1 and "\t" not in lines[0]:
                    # One cell: typed (a paste of one value is the browser's own).
                    if lines[0]:
                        cell = d.find_element(By.CSS_SELECTOR, f'input[name="{first}"]')
                        cell.click()
                        cell.send_keys(lines[0] + "\t")
                    continue
                d.execute_script(paste, f'input[name="{first}"]', "\n".join(lines))
            # Every total the form computes fills in as the example prints it.
            expected = {name[1:]: grouped(values[name[1:]]) for cells in grid for name in cells if name and name.startswith("=") and name[1:] in values}
            def mismatches():
                shown = d.execute_script("""var out = {}; document.querySelectorAll('td[data-name]').forEach(function (cell) {
                    out[cell.getAttribute('data-name')] = cell.textContent.trim(); }); return out;""")
                return {name: (shown.get(name), text) for name, text in expected.items() if shown.get(name) != text}
            try:
                wait.until(lambda _: not mismatches())
            except Exception:
                self.fail(f"表{number} 的合计没有按示例算出（显示的，应为）：{mismatches()}；{self.problem()}；"
                          f"{[name for cells in grid for name in cells if name and '310' in name]}；{d.find_element(By.ID, 'editor-status').text}")
            wait.until(lambda _: "已自动保存" in d.find_element(By.ID, "editor-status").text or not values)
            time.sleep(0.6)
            if number == 1:
                shoot(d, "editor-whole-table1")
        # Base information and the reasons: every field of the page the example has.
        book = openpyxl.load_workbook(os.path.join(WORKBOOKS, "corrected.xlsx"), read_only=True)
        facts = {row[0]: row[1] for row in book["数据集"].iter_rows(values_only=True) if row and row[0]}
        d.get(URL + report + "/edit?table=0")
        entered = {}
        for field in d.find_elements(By.CSS_SELECTOR, "[name^='f|']"):
            key = field.get_attribute("name")[2:]
            if facts.get(key) is None:
                continue
            value = facts[key]
            text = f"{value:.2f}" if isinstance(value, float) else str(value)
            field.clear()
            field.send_keys(text)
            entered[key] = text
        self.assertGreater(len(entered), 15)
        go(d, d.find_element(By.XPATH, "//button[@value='save']"))
        self.assertIn("已保存草稿", self.notice())
        # Two 绩效自评 forms: the 整体 form and the first project's; indicator rows pasted as a block.
        forms = example["performance"]
        self.fill_form(report, "0", forms["department"], department=True)
        self.fill_form(report, "new", forms["projects"][0], department=False)
        shoot(d, "editor-whole-performance")
        go(d, d.find_element(By.XPATH, "//button[@value='commit']"))
        self.assertIn("已保存为第 1 版", self.notice())
        self.assertIn("错误 0 个", self.notice())
        # The version equals the example in every table, fact and form entered.
        mine = api_get(api_token(filler), f"/api/v1/reports/2021/{unit}/versions/current/dataset")
        for number in range(1, 10):
            def cells(dataset):
                return {(row_key(row["key"]), column): fen for row in dataset["tables"][str(number)]["rows"] for column, fen in row["cells"].items()}
            self.assertEqual(cells(mine), cells(example), f"表{number}")
        self.assertEqual(strip(mine["performance"]["department"]), strip(forms["department"]))
        self.assertEqual(strip(mine["performance"]["projects"][0]), strip(forms["projects"][0]))
        # 单位负责人 confirms; 上报.
        explain = d.find_elements(By.CSS_SELECTOR, "form.explain-all")
        if explain:
            self.explain_all()
        self.sign_off(filler, head=head, report=report)
        self.transition("submit", report=report)
        self.assertIn("上报成功", self.notice())
        self.logout()

    def test_8c_department_summary(self):
        """汇总 through the cycle: a 主管部门 whose two units are up makes its 汇总 as its own report's version, explains
        its warnings, its 负责人 confirms, it is 上报 to 财政, who finds it awaiting review."""
        d = self.driver
        department = "420103009"
        admin = api_token("admin")
        names = []
        for index in (1, 2):
            book = openpyxl.load_workbook(os.path.join(WORKBOOKS, f"synthetic-{index}.xlsx"), read_only=True)
            names.append(next(row[1] for row in book["数据集"].iter_rows(values_only=True) if row and row[0] == "单位"))
        orgs = "单位编码,名称,上级编码,类型\n" + f"{department},演示汇总局（主管部门）,420103,主管部门\n" + "".join(
            f"{department}00{index},{name},{department},单位\n" for index, name in enumerate(names, start=1))
        api_send(admin, "/api/v1/orgs/import", orgs.encode(), "text/csv")
        people = [("hzbm", "汇总填报员", "filler", department), ("hzfz", "汇总负责人", "head", department)]
        for index in (1, 2):
            people += [(f"hz{index}tb", f"下属填报员{index}", "filler", f"{department}00{index}"), (f"hz{index}fz", f"下属负责人{index}", "head", f"{department}00{index}")]
        for login, name, role, org in people:
            api_send(admin, "/api/v1/users", json.dumps({"login": login, "name": name, "role": role, "org": org, "password": "tidy-meadow-47"}).encode())
            PASSWORDS[login] = "tidy-meadow-47"
        # The two units: each uploads, explains its warnings, its 负责人 confirms, 上报 (through the API).
        for index in (1, 2):
            unit = f"{department}00{index}"
            filler, head = api_token(f"hz{index}tb"), api_token(f"hz{index}fz")
            with open(os.path.join(WORKBOOKS, f"synthetic-{index}.xlsx"), "rb") as handle:
                uploaded = api_send(filler, f"/api/v1/reports/2021/{unit}/versions", handle.read(), "application/octet-stream")
            version = uploaded["version"]["number"]
            for finding in uploaded["findings"]:
                if finding["severity"] == "warning":
                    api_send(filler, f"/api/v1/reports/2021/{unit}/versions/{version}/explanations",
                             json.dumps({"finding": finding["key"], "text": "经核实，数字无误。"}).encode(), method="PUT")
            api_send(head, f"/api/v1/reports/2021/{unit}/confirm", b"")
            api_send(filler, f"/api/v1/reports/2021/{unit}/transitions", json.dumps({"action": "submit"}).encode())
        # The 主管部门's own report: 汇总下属单位, explain, 负责人, 上报.
        report = f"/app/reports/2021/{department}"
        self.login("hzbm")
        d.get(URL + report)
        go(d, d.find_element(By.XPATH, f"//form[@action='{report}/consolidate']//button"))
        self.assertIn("第 1 版", self.notice())
        self.assertIn("汇总", d.find_element(By.CSS_SELECTOR, "section.versions").text)
        self.explain_all()
        shoot(d, "department-summary-report")
        self.sign_off("hzbm", head="hzfz", report=report)
        self.transition("submit", report=report)
        self.assertIn("上报成功", self.notice())
        self.assertEqual(self.state(), "已上报")
        self.logout()
        # 财政 finds it awaiting review.
        self.login("caizheng")
        d.get(URL + "/app/inbox?year=2021")
        self.assertIn("演示汇总局", d.find_element(By.TAG_NAME, "main").text)
        self.logout()

    def add_unit(self, code, name, parent):
        """The administrator adds a unit from an organisation file, on the administration page."""
        d = self.driver
        d.get(URL + "/app/admin")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
            handle.write(f"单位编码,名称,上级编码,类型\n{code},{name},{parent},单位\n")
            path = handle.name
        d.find_element(By.ID, "org-file").send_keys(path)
        go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/orgs']//button"))

    def fill_form(self, report, which, form, department):
        """One 绩效自评 form through its page: the fields typed, the goals typed, the indicator rows pasted."""
        d = self.driver
        d.get(URL + report + f"/edit?table=10&form={which}")
        execution = form["execution"]
        divisor = 1_000_000 if execution["unit"] == "万元" else 100
        fields = {"预算执行.项目": execution["label"], "预算执行.单位": execution["unit"], "预算执行.分值": number_text(execution.get("weight")),
                  "预算执行.预算数": amount(execution["budget"], divisor), "预算执行.执行数": amount(execution["executed"], divisor),
                  "预算执行.执行率": execution.get("statedRate") or "", "预算执行.得分": number_text(execution.get("statedScore")),
                  "填报日期": form.get("filledOn") or "", "自评得分": number_text(form.get("statedTotal"))}
        if department:
            fields.update({"单位名称": form["unitName"], "基本支出总额": amount(form.get("basicTotal"), 1_000_000),
                           "项目支出总额": amount(form.get("projectTotal"), 1_000_000)})
        else:
            fields.update({"项目名称": form["name"], "主管部门": form["supervisor"], "实施单位": form["implementer"], "项目类别": form["category"],
                           "项目类型": form["kind"], "总目标.分值": number_text(form.get("goalWeight")), "总目标.年初设定目标": form["goalPlanned"],
                           "总目标.全年实际完成情况": form["goalAchieved"], "总目标.得分": number_text(form.get("goalStatedScore")),
                           "指标表.分值": number_text(form.get("indicatorsWeight")), "偏差分析": form["deviation"], "改进措施": form["improvement"]})
        for key, value in fields.items():
            field = d.find_element(By.NAME, "p|" + key)
            field.clear()
            if value:
                d.execute_script("arguments[0].value = arguments[1];", field, value) if "\n" in value else field.send_keys(value)
        rows = []
        if department:
            for number, goal in enumerate(form["goals"]):
                for key, value in [("名称", goal["title"]), ("分值", number_text(goal["weight"])), ("内容", goal["text"])]:
                    d.execute_script("arguments[0].value = arguments[1];", d.find_element(By.NAME, f"g|{number}|{key}"), value)
                rows += [[str(number + 1)] + indicator(row) for row in goal["indicators"]]
        else:
            rows = [indicator(row) for row in form["indicators"]]
        first = "i|0|年度目标" if department else "i|0|一级"
        block = "\n".join("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) for row in rows)
        d.execute_script("""const input = document.querySelector(arguments[0]); input.focus();
            const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
            input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));""", f'input[name="{first}"]', block)
        go(d, d.find_element(By.XPATH, "//button[@value='save']"))
        self.assertIn("已保存这张自评表", self.notice(), self.problem())

    def test_9_bureau(self):
        """财政: approves several reports at once from 待我审核 (asked first); withdraws a published report, whose public page then
        says so; the unit finds it in its messages."""
        d = self.driver
        self.login("caizheng")
        # The jurisdiction's 汇总, level by level: a 主管部门's from the menu's 辖区汇总.
        go(d, d.find_element(By.LINK_TEXT, "辖区汇总"))
        self.assertIn("年度汇总", d.find_element(By.CSS_SELECTOR, "main h1").text)
        d.get(URL + "/app/summary?year=2021&org=420103001")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "section.rendered table"))
        self.assertTrue(d.find_element(By.PARTIAL_LINK_TEXT, "九张表（Excel）").get_attribute("href").startswith(URL + "/app/summary.xlsx"))
        shoot(d, "summary")
        d.get(URL + "/app/inbox?year=2021")
        boxes = d.find_elements(By.CSS_SELECTOR, "form.batch-approve input[type=checkbox]")
        self.assertTrue(boxes, "待我审核 should list the reports the demo's 主管部门 approved")
        self.assertGreaterEqual(len(boxes), 20, "the demo's 主管部门 approved at least 20 reports")
        chosen = boxes[:20]
        for box in chosen:
            box.click()
        shoot(d, "inbox-awaiting")
        confirmed(d, d.find_element(By.CSS_SELECTOR, "form.batch-approve button.primary"))
        self.assertIn(f"已审核通过 {len(chosen)} 份", self.notice())
        # The example was published in test_1: 撤回 with a reason.
        d.get(URL + REPORT)
        d.find_element(By.ID, "withdraw-reason").send_keys("表3 与表5 的基本支出不一致，待更正。")
        go(d, d.find_element(By.XPATH, "//form[input[@name='action' and @value='withdraw']]//button"))
        self.assertIn("撤回成功", self.notice())
        d.get(URL + f"/public/2021/{UNIT}/")
        self.assertIn("撤回", d.page_source)
        self.assertIn("表3 与表5 的基本支出不一致，待更正。", d.page_source)
        shoot(d, "public-withdrawn")
        d.get(URL + "/app/inbox")
        self.logout()
        self.login("tianbao")
        d.get(URL + "/app/messages")
        self.assertIn("2021 年度部门决算已撤回", d.page_source)
        shoot(d, "messages")
        # 更正: the unit sends it up again; the 主管部门 leaves a 批注 on a finding, which the unit sees at its place with who
        # and when; approved again at both levels and published: the public page lists the correction with its reason.
        d.get(URL + REPORT)
        self.resubmit_to("zhuguan")
        remark = d.find_element(By.CSS_SELECTOR, "form.remark textarea")
        remark.send_keys("请在说明中写明口径差异的具体科目。")
        go(d, d.find_element(By.CSS_SELECTOR, "form.remark button"))
        self.assertIn("批注已保存", self.notice())
        self.transition("return", reason="请按批注补充说明后重新上报。")
        self.assertIn("退回成功", self.notice())
        self.logout()
        # The unit sees the remark at its finding with who and when, answers it, and sends a new version: the thread
        # stays with the finding in the new version.
        self.login("tianbao")
        d.get(URL + REPORT)
        remarks = d.find_element(By.CSS_SELECTOR, "ul.remarks").text
        self.assertIn("请在说明中写明口径差异的具体科目。", remarks)
        self.assertIn("主管部门审核员", remarks)
        reply = d.find_element(By.CSS_SELECTOR, "form.explain-all div.reply textarea")
        reply.send_keys("已在说明中写明：差异在 2010301 行政运行。")
        go(d, d.find_element(By.XPATH, "//form[contains(@class,'explain-all')]//button[text()='保存全部说明']"))
        self.assertIn("回复 1 条批注", self.notice())
        shoot(d, "report-remark")
        before = len(d.find_elements(By.CSS_SELECTOR, "section.versions tbody tr"))
        self.upload(os.path.join(WORKBOOKS, "corrected.xlsx"))
        self.assertIn("已保存为第", self.notice())
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "section.versions tbody tr")), before + 1)
        thread = d.find_element(By.CSS_SELECTOR, "ul.remarks").text
        self.assertIn("请在说明中写明口径差异的具体科目。", thread)
        self.assertIn("已在说明中写明：差异在 2010301 行政运行。", thread)
        self.resubmit_to("zhuguan")
        self.assertIn("已在说明中写明：差异在 2010301 行政运行。", d.find_element(By.CSS_SELECTOR, "ul.remarks").text)
        self.transition("approve")
        self.logout()
        self.login("caizheng")
        self.transition("approve")
        self.transition("publish")
        self.assertEqual(self.state(), "已公开")
        d.get(URL + f"/public/2021/{UNIT}/")
        self.assertIn("更正说明", d.page_source)
        self.assertIn("表3 与表5 的基本支出不一致，待更正。", d.page_source)
        self.assertNotIn("更正后将重新公开", d.page_source, "the withdrawal notice is gone once published again")
        shoot(d, "public-corrected")
        d.get(URL + "/app/inbox")
        self.logout()

    def test_b_budget(self):
        """A 2025 预算 task and a 2025 决算 task: the administrator sets them up; the unit downloads its budget workbook,
        uploads a filled one (a table that does not add up is found at its row, 上报 refused), then the corrected one; explains,
        confirms, 上报; the 主管部门 finds it in the 预算 inbox and approves; 财政 approves and publishes; the public finds it at
        its own address without review information; the unit's 2025 决算 page compares its 年初预算 with this budget."""
        d = self.driver
        budget = f"/app/budgets/2025/{UNIT}"
        final = f"/app/reports/2025/{UNIT}"
        self.login("admin")
        for kind, layout, deadline in [("budget", "shanghai-district", "2025-03-31"), ("final", "mof-2021", "2026-09-30")]:
            d.get(URL + "/app/admin")
            d.find_element(By.ID, "task-year").clear()
            d.find_element(By.ID, "task-year").send_keys("2025")
            d.find_element(By.CSS_SELECTOR, f"#task-kind option[value='{kind}']").click()
            d.find_element(By.CSS_SELECTOR, f"#task-layout option[value='{layout}']").click()
            d.execute_script(f"document.getElementById('task-deadline').value = '{deadline}'")
            go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/tasks']//button"))
            self.assertIn("2025 年度部门" + ("预算" if kind == "budget" else "决算") + "任务已保存", self.notice(), self.problem())
        self.assertIn("2025 年度部门预算：上海市区级部门（单位）预算", d.page_source)
        self.logout()

        # The unit: from its 决算 page to its 预算 (the task chips), the workbook to fill is its own.
        self.login("tianbao")
        d.get(URL + REPORT)
        go(d, d.find_element(By.LINK_TEXT, "2025 年度部门预算"))
        self.assertTrue(d.current_url.endswith(budget), d.current_url)
        self.assertIn("上传填好的预算填报工作簿", d.page_source)
        cookie = d.get_cookie("juesuan_session")["value"]
        request = urllib.request.Request(URL + budget + "/blank.xlsx", headers={"Cookie": "juesuan_session=" + cookie})
        with tempfile.TemporaryDirectory() as folder:
            blank = os.path.join(folder, "blank.xlsx")
            with open(blank, "wb") as out:
                out.write(urllib.request.urlopen(request).read())
            meta = openpyxl.load_workbook(blank)["预算"]
            self.assertEqual(meta["B3"].value, "武汉市江汉区人民政府办公室")
            self.assertEqual(str(meta["B4"].value), "2025")
            # Filled (as a program that does not calculate saves it: formulas without values), one 项 mistyped.
            book = openpyxl.load_workbook(os.path.join(WORKBOOKS, "budget.xlsx"))
            sheet = book[[name for name in book.sheetnames if name.startswith("B5 ")][0]]
            mistyped = None
            for row in sheet.iter_rows(min_row=5):
                if isinstance(row[0].value, str) and len(row[0].value) == 7 and isinstance(row[3].value, (int, float)):
                    row[3].value += 1000
                    mistyped = row[0].value
                    break
            self.assertIsNotNone(mistyped)
            wrong = os.path.join(folder, "预算-有误.xlsx")
            book.save(wrong)
            d.find_element(By.ID, "file").send_keys(wrong)
            go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
            self.assertIn("已保存为第 1 版", self.notice(), self.problem())
            self.assertNotIn("错误 0 个", self.notice())
            findings = d.find_element(By.ID, "findings").text
            self.assertIn(mistyped[:5], findings)
            shoot(d, "budget-error")
            self.transition("submit", report=budget)
            self.assertIn("错误未改正", self.problem())
            right = os.path.join(folder, "预算.xlsx")
            openpyxl.load_workbook(os.path.join(WORKBOOKS, "budget.xlsx")).save(right)
            d.get(URL + budget)
            d.find_element(By.ID, "file").send_keys(right)
            go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
        self.assertIn("已保存为第 2 版：错误 0 个", self.notice(), self.problem())
        self.explain_all()
        # The budget as it will be published, from the page.
        go(d, d.find_element(By.CSS_SELECTOR, "p.preview-link a"))
        self.assertIn("一般公共预算支出功能分类预算表", d.page_source)
        d.get(URL + budget)
        self.sign_off("tianbao", report=budget)
        self.transition("submit", report=budget)
        self.assertIn("上报成功", self.notice(), self.problem())
        self.assertEqual(self.state(), "已上报")
        shoot(d, "budget-submitted")
        self.logout()

        # The 主管部门: the 预算 inbox (not the 决算 one) lists it; approve. 财政: approve, publish.
        self.login("zhuguan")
        d.get(URL + "/app/inbox?year=2025&kind=budget")
        self.assertIn("2025 年度部门预算", d.find_element(By.TAG_NAME, "h1").text)
        go(d, d.find_element(By.LINK_TEXT, "武汉市江汉区人民政府办公室"))
        self.assertTrue(d.current_url.endswith(budget), d.current_url)
        self.transition("approve", report=budget)
        self.assertEqual(self.state(), "主管部门已审核")
        self.logout()
        self.login("caizheng")
        self.transition("approve", report=budget)
        self.assertEqual(self.state(), "财政已审核")
        self.transition("publish", report=budget)
        self.assertEqual(self.state(), "已公开")
        self.logout()

        # The public: the budget at its own address, the year's index of budgets; no review information.
        d.get(URL + f"/public/2025/{UNIT}/budget/")
        source = d.page_source
        self.assertIn("武汉市江汉区人民政府办公室", source)
        self.assertIn("三公", source)
        for word in ["经核实", "退回", "警告", "findings"]:
            self.assertNotIn(word, source)
        shoot(d, "public-budget")
        d.get(URL + "/public/2025/?kind=budget")
        self.assertIn("2025 年度部门预算公开", d.page_source)
        self.assertIn(f"/public/2025/{UNIT}/budget/", d.page_source)

        # The unit's 2025 决算, uploaded to its task: its page compares its 年初预算 with this budget, item by item.
        self.login("tianbao")
        d.get(URL + final)
        d.find_element(By.ID, "file").send_keys(os.path.join(WORKBOOKS, "final-2025.xlsx"))
        go(d, d.find_element(By.CSS_SELECTOR, "form.upload button"))
        self.assertIn("已保存为第 1 版", self.notice(), self.problem())
        section = d.find_element(By.ID, "budget-links").text
        self.assertIn("与同年部门预算的衔接", section)
        self.assertIn("本系统中的2025 年度部门预算第 2 版", section)
        self.assertIn("“三公”经费", section)
        d.find_element(By.CSS_SELECTOR, f"#budget-links a[href='{budget}']")
        shoot(d, "report-budget-links")

    def test_z_people_and_mail(self):
        """管理员 imports a unit and its person from GBK files (a bad file first: every bad row listed, nothing
        imported); the person logs in with the one-time password and must change it; the 主管部门's 催报 reaches
        them by e-mail through the local SMTP sink."""
        import base64
        d = self.driver
        unit = "420103001997"
        self.login("admin")
        d.get(URL + "/app/admin")

        def upload(field, form, text):
            with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
                handle.write(text.encode("gb18030"))
                path = handle.name
            d.find_element(By.ID, field).send_keys(path)
            go(d, d.find_element(By.XPATH, f"//form[@action='{form}']//button"))

        # The bureau's logo on the public pages.
        with tempfile.NamedTemporaryFile("wb", suffix=".png", delete=False) as handle:
            handle.write(base64.b64decode(LOGO_PNG))
            logo = handle.name
        d.find_element(By.ID, "logo-file").send_keys(logo)
        go(d, d.find_element(By.XPATH, "//form[@action='/app/admin/logo']//button[@value='set']"))
        self.assertIn("标志", self.notice())
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "img[src='/public/logo']"))
        shoot(d, "admin-logo")
        d.get(URL + "/public/2021/")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "p.public-logo img"))
        shoot(d, "public-index-logo")
        d.get(URL + "/app/admin")
        upload("org-file", "/app/admin/orgs", "单位编码,名称,上级编码,类型\n" + unit + ",邮件试点单位,420103001,单位\n")
        self.assertIn("新增 1", self.notice())
        # The new unit in the tree, renamed in place.
        d.get(URL + "/app/admin/orgs?under=420103001")
        row = d.find_element(By.XPATH, f"//tr[td[1][text()='{unit}']]")
        field = row.find_element(By.NAME, "name")
        field.clear()
        field.send_keys("邮件试点单位（改名）")
        go(d, row.find_element(By.CSS_SELECTOR, "form button"))
        self.assertIn("改名为“邮件试点单位（改名）”", self.notice())
        shoot(d, "orgs")
        d.get(URL + "/app/admin")
        upload("user-file", "/app/admin/users/import",
               "登录名,姓名,角色,单位编码,电子邮箱\nyou jian,邮件员,单位填报,%s,\nyoujian,邮件员,会计,%s,youjian@x\n" % (unit, unit))
        main = d.find_element(By.CSS_SELECTOR, "main").text
        self.assertIn("全部未导入", main)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "main table.list tbody tr")), 2)
        self.assertTrue(d.find_element(By.PARTIAL_LINK_TEXT, "下载问题清单").get_attribute("href").startswith("data:text/csv"))
        shoot(d, "import-problems")
        d.get(URL + "/app/admin")
        upload("user-file", "/app/admin/users/import",
               "登录名,姓名,角色,单位编码,电子邮箱\nyoujian,邮件测试员,单位填报,%s,youjian@example.gov.cn\n" % unit)
        self.assertIn("已导入 1 位用户", d.find_element(By.CSS_SELECTOR, "main h1").text)
        secret = d.find_element(By.CSS_SELECTOR, "main table.list tbody tr td code").text
        self.assertEqual(len(secret), 12)
        shoot(d, "users-imported")
        self.logout()
        PASSWORDS["youjian"] = secret
        self.login("youjian")
        self.assertIn("/app/password", d.current_url)
        d.find_element(By.ID, "current").send_keys(secret)
        d.find_element(By.ID, "new").send_keys("Mail-river-2026")
        go(d, d.find_element(By.CSS_SELECTOR, "main form button"))
        self.assertIn("密码已修改", self.notice())
        PASSWORDS["youjian"] = "Mail-river-2026"
        self.logout()
        self.login("zhuguan")
        d.get(URL + "/app/inbox?year=2021")
        go(d, d.find_element(By.XPATH, "//form[@action='/app/inbox/remind']//button"))
        self.assertIn("催报", self.notice())
        if not MAIL:
            self.skipTest("没有本地 SMTP 接收端（script/browser-test 会启动它）")
        found = None
        deadline = time.time() + 40
        while time.time() < deadline and not found:
            for name in sorted(os.listdir(MAIL)) if os.path.isdir(MAIL) else []:
                with open(os.path.join(MAIL, name), "rb") as handle:
                    text = handle.read().decode("utf-8", "replace")
                if "To: <youjian@example.gov.cn>" in text:
                    found = text
            time.sleep(0.5)
        self.assertIsNotNone(found, "催报邮件没有到达本地 SMTP 接收端")
        headers, _, body = found.replace("\r\n", "\n").partition("\n\n")
        subject = next(line for line in headers.split("\n") if line.startswith("Subject: "))
        subject = base64.b64decode(subject[len("Subject: =?UTF-8?B?"):-2]).decode("utf-8")
        self.assertIn("催报", subject)
        self.assertIn("/app/reports/2021/" + unit, base64.b64decode("".join(body.split())).decode("utf-8"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
