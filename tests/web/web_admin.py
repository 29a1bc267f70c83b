#!/usr/bin/env python3
"""The administration web pages in a real headless Chromium (selenium).

Driven by tests/cli/web_admin.sh, which starts `ucpki serve` and makes the
accounts and phones; this script logs in, generates a CSR and uploads the
certificate a test CA signs (openssl) through the page's file input,
adds a CA to a trust store the same way (markup in its subject stays
text), finds phones by LSC status, schedules a bulk CAPF install and sees
it complete after the simulated phones enroll, and checks that markup in
a device model stays text.
With --screenshots DIR it also saves the main pages as PNG files.

Prints TAP-like "ok - ..." / "FAIL - ..." lines and "N passed, M failed".
"""
import argparse
import os
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

passed = failed = 0



def safe_name(cn):
    """The trust entry name ucpki makes of a CN (trust.c's name_sanitize):
    ASCII other than letters, digits and ._-+=@,()# becomes '_'."""
    out = "".join(c if c.isalnum() or ord(c) >= 0x80 or c in "._-+=@,()#"
                  else "_" for c in cn)
    return "_" + out[1:] if out[:1] in ("-", ".") else out

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"FAIL - {name}")
        if detail:
            print(f"  {detail}"[:2000])


def browser(node, profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1280,900",
              f"--user-data-dir={profile}",
              # The node's name on loopback, as a browser on the LAN
              # would resolve it; nothing else leaves the machine.
              f"--host-resolver-rules=MAP {node} 127.0.0.1"):
        o.add_argument(a)
    # The tomcat certificate changes during the test (CSR, upload): its
    # chain is checked by the curl tests; here only the pages are.
    o.accept_insecure_certs = True
    svc = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") \
        if hasattr(webdriver, "ChromeService") else \
        webdriver.chrome.service.Service("/usr/bin/chromedriver")
    return webdriver.Chrome(service=svc, options=o)


def gone(element):
    """True once element left the document.  Chromium may say so with an
    inspector error ("Node with given id does not belong to the
    document") rather than a stale reference, mid-navigation."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def submit(d, element_id):
    """Clicks a form's button and waits until the next page has loaded."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.ID, element_id).click()
    WebDriverWait(d, 30).until(lambda drv: gone(old))
    WebDriverWait(d, 30).until(
        lambda drv: drv.execute_script("return document.readyState") ==
        "complete")


def text(d, css):
    els = d.find_elements(By.CSS_SELECTOR, css)
    return els[0].text if els else ""


def no_alert(d):
    try:
        d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--node", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--ucpki", required=True)
    ap.add_argument("--capf", required=True)
    ap.add_argument("--phones", required=True, help="comma-separated")
    ap.add_argument("--xss-device", required=True)
    ap.add_argument("--xss-model", required=True)
    ap.add_argument("--ca-key", required=True)
    ap.add_argument("--ca-cert", required=True)
    ap.add_argument("--xss-ca", required=True,
                    help="a CA certificate whose CN is markup")
    ap.add_argument("--xss-cn", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--screenshots")
    a = ap.parse_args()
    base = a.base
    phones = a.phones.split(",")
    shots = a.screenshots

    def shot(name):
        if shots:
            d.save_screenshot(os.path.join(shots, name + ".png"))

    with open(a.password_file) as f:
        password = f.readline().rstrip("\n")
    profile = tempfile.mkdtemp(dir=a.tmp, prefix="chromium-")
    d = browser(a.node, profile)
    try:
        # --- log in ---------------------------------------------------------
        d.get(base + "/")
        check("a page without a session shows the login",
              d.find_elements(By.ID, "password") != [], d.current_url)
        shot("login")
        d.find_element(By.ID, "name").send_keys(a.user)
        d.find_element(By.ID, "password").send_keys(password)
        submit(d, "login")
        check("logged in: the dashboard", text(d, "h1") == "Dashboard",
              text(d, "main"))
        check("the account is named", a.user in text(d, "header"))
        cookies = {c["name"]: c for c in d.get_cookies()}
        c = cookies.get("__Host-ucpki", {})
        check("the session cookie is HttpOnly, Secure, SameSite=Strict",
              c.get("httpOnly") and c.get("secure") and
              c.get("sameSite") == "Strict", str(c))

        # --- find phones by LSC status ------------------------------------------
        d.get(base + "/phones")
        Select(d.find_element(By.ID, "lsc")).select_by_value("none")
        submit(d, "find")
        rows = text(d, "#phones")
        check("Find Phones where LSC status is none lists them",
              all(p in rows for p in phones), d.current_url + " " +
              text(d, "main"))
        shot("phones")

        # --- bulk CAPF install ------------------------------------------------
        d.find_element(By.ID, "select-all").click()   # ucpki.js
        boxes = d.find_elements(By.CSS_SELECTOR, "input[name=device]")
        check("Select All (the page's script file) checks every phone",
              boxes and all(b.is_selected() for b in boxes))
        Select(d.find_element(By.ID, "bulk-operation")).select_by_value(
            "install")
        Select(d.find_element(By.ID, "bulk-auth")).select_by_value("null")
        submit(d, "bulk-apply")
        check("the bulk install is scheduled",
              "the operation is set on" in text(d, ".status"),
              text(d, "main"))
        d.get(base + "/phones?pending=1")
        rows = text(d, "#phones")
        check("the phones are pending", all(p in rows for p in phones) and
              "Install/Upgrade" in rows, rows)
        for p in phones:
            r = subprocess.run([a.ucpki, "phone", "capf", p, "--server",
                                a.capf], capture_output=True, text=True)
            check(f"phone {p} enrolls with CAPF", r.returncode == 0,
                  r.stderr)
        d.get(base + "/phones?lsc=installed")
        rows = text(d, "#phones")
        check("after enrolling, the phones have an LSC",
              all(p in rows for p in phones) and "Upgrade Success" in rows,
              rows)
        d.get(base + "/phone?name=" + phones[0])
        capf = text(d, "#capf")
        check("the phone's CAPF Information shows the LSC",
              "Upgrade Success" in capf and "issued by" in capf, capf)
        shot("phone")
        d.get(base + "/capf-report")
        shot("capf-report")

        # --- XSS in a device model ------------------------------------------
        d.get(base + "/phone?name=" + a.xss_device)
        check("a device model with markup is shown as text",
              text(d, "#device-model") == a.xss_model,
              text(d, "#device-model"))
        check("and runs nothing (no alert)", no_alert(d))
        check("and adds no element", d.find_elements(
            By.CSS_SELECTOR, "main script, main img") == [])
        d.get(base + "/phones")
        check("nor in the phone list", no_alert(d) and
              d.find_elements(By.CSS_SELECTOR, "main img, main script") == []
              and a.xss_model in text(d, "#phones"))

        # --- a CA-signed tomcat: CSR, sign, upload ----------------------------
        d.get(base + "/certificate/csr?purpose=tomcat")
        shot("generate-csr")
        submit(d, "generate-csr")
        csr = text(d, "#csr")
        check("Generate CSR shows the CSR",
              csr.startswith("-----BEGIN CERTIFICATE REQUEST-----"), csr)
        csr_path = os.path.join(a.tmp, "tomcat.csr")
        signed = os.path.join(a.tmp, "tomcat-signed.pem")
        with open(csr_path, "w") as f:
            f.write(csr + "\n")
        r = subprocess.run(["openssl", "x509", "-req", "-in", csr_path,
                            "-CA", a.ca_cert, "-CAkey", a.ca_key,
                            "-CAcreateserial", "-days", "365",
                            "-copy_extensions", "copy", "-out", signed],
                           capture_output=True, text=True)
        check("the test CA signs it", r.returncode == 0, r.stderr)
        chain = os.path.join(a.tmp, "tomcat-chain.pem")
        with open(signed) as f, open(a.ca_cert) as g, open(chain, "w") as o:
            o.write(f.read() + g.read())
        d.get(base + "/certificate/upload?purpose=tomcat")
        file_input = d.find_element(By.ID, "file")
        check("Upload Certificate has a file picker",
              file_input.get_attribute("type") == "file")
        file_input.send_keys(chain)       # the file chooser, as a user picks
        shot("upload")
        submit(d, "upload")
        check("Upload Certificate installs it",
              "Certificate Signed by a Certificate Authority installed" in
              text(d, ".status"), text(d, "main"))
        d.find_element(By.ID, "settings").click()
        WebDriverWait(d, 30).until(lambda drv: text(drv, "#type") != "")
        check("the settings page says CA-signed",
              text(d, "#type") == "CA-signed", text(d, "main"))
        shot("certificate")
        d.get(base + "/certificates")
        Select(d.find_element(By.ID, "field")).select_by_value(
            "certificate")
        d.find_element(By.ID, "q").send_keys("tomcat")
        submit(d, "find")
        rows = text(d, "#certificates")
        check("Find Certificate List where Certificate begins with tomcat",
              "tomcat" in rows and "CallManager" not in rows, rows)
        shot("certificates")

        # --- Upload Trust Certificate, markup in its subject -------------------
        d.get(base + "/trust?store=CallManager-trust")
        d.find_element(By.ID, "trust-add").click()
        WebDriverWait(d, 30).until(
            lambda drv: drv.find_elements(By.ID, "file") != [])
        check("the trust store links to Upload Trust Certificate",
              text(d, "h1") == "Upload Trust Certificate", text(d, "main"))
        Select(d.find_element(By.ID, "store")).select_by_value(
            "CallManager-trust")
        d.find_element(By.ID, "file").send_keys(a.xss_ca)
        shot("trust-add")
        submit(d, "upload")
        check("the CA is added", "Certificate uploaded" in
              text(d, ".status") and "added" in text(d, "#added"),
              text(d, "main"))
        check("and its upload ran nothing (no alert)", no_alert(d))
        d.get(base + "/trust?store=CallManager-trust")
        rows = text(d, "#trust")
        check("the trust store lists it, its subject as text",
              a.xss_cn in rows, rows)
        check("and runs nothing (no alert), adds no element", no_alert(d) and
              d.find_elements(By.CSS_SELECTOR,
                              "main img, main script") == [])
        d.find_element(By.PARTIAL_LINK_TEXT, "onerror").click()
        WebDriverWait(d, 30).until(
            lambda drv: drv.find_elements(By.ID, "details") != [])
        # certinfo_print writes the subject as RFC 2253 text (\< \>).
        check("its settings page shows the subject as text",
              a.xss_cn in text(d, "#details").replace("\\", "") and
              safe_name(a.xss_cn) in text(d, "#file-name") and
              no_alert(d) and
              d.find_elements(By.CSS_SELECTOR,
                              "main img, main script") == [],
              text(d, "main"))
        check("beside the guarded delete",
              d.find_elements(By.ID, "delete") != [])
        shot("trust-entry")
        if shots:
            for page, name in (("/", "dashboard"), ("/alarms", "alarms"),
                               ("/itl", "itl"), ("/trust", "trust"),
                               ("/certificate/generate?purpose=CallManager",
                                "regenerate")):
                d.get(base + page)
                shot(name)

        # --- logout -------------------------------------------------------------
        d.get(base + "/")
        old = d.find_element(By.TAG_NAME, "html")
        d.find_element(By.CSS_SELECTOR, "form.logout button").click()
        WebDriverWait(d, 30).until(lambda drv: gone(old))
        d.get(base + "/")
        check("after logout a page asks for the login",
              d.find_elements(By.ID, "password") != [])
    finally:
        d.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
