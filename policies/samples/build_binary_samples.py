"""Regenerate the two binary demo samples: harbor-health-portal.docx and cedar-library-archive.pdf.

Run ``.venv/bin/python policies/samples/build_binary_samples.py``. The output is byte-for-byte
reproducible, so a rerun leaves ``git status`` clean: the DOCX core-properties dates are fixed
and its zip entries get a fixed timestamp (python-docx would stamp the wall clock), and the PDF
is written by hand with no creation date. Both policies are fictional; see docs/samples.md for
what a reviewer is meant to find in them.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent
DOCX_PATH = HERE / "harbor-health-portal.docx"
PDF_PATH = HERE / "cedar-library-archive.pdf"

# The policy is dated nowhere in its text (one of its gaps); the file metadata still needs a
# fixed date so the bytes do not change between runs.
DOCX_DATE = datetime(2022, 5, 10, 9, 30, tzinfo=UTC)
ZIP_DATE = (2022, 5, 10, 9, 30, 0)

# Each block is (kind, content). Kinds: title, h1, h2, p, bullet, number, table.
HARBOR_BLOCKS: list[tuple[str, object]] = [
    ("title", "Harbor Health Patient Portal Privacy Policy"),
    (
        "p",
        "Harbor Health Partners (\u201cHarbor Health,\u201d \u201cwe\u201d or \u201cus\u201d) "
        "values your privacy. This Privacy Policy describes how we may collect, use and share "
        "information when you use the Harbor Health Patient Portal, our MyHarbor mobile app and "
        "harborhealth.example.org (together, the \u201cPortal\u201d). By using the Portal you "
        "agree to this Privacy Policy.",
    ),
    ("h1", "Contents"),
    ("number", "Introduction"),
    ("number", "Information We Collect"),
    ("number", "How We Use Information"),
    ("number", "Sharing of Information"),
    ("number", "Cookies and Analytics"),
    ("number", "Security"),
    ("number", "Your Rights"),
    ("number", "Children and Family Access"),
    ("number", "Changes"),
    ("number", "Contact Us"),
    ("h1", "1. Introduction"),
    (
        "p",
        "The Portal allows patients of Harbor Health clinics and affiliated practices to view "
        "test results, request appointments, message their care team, pay bills and manage "
        "prescriptions online. Some of the information in the Portal comes from your medical "
        "record and some of it comes from you. Information in your medical record may also be "
        "covered by other notices we provide to patients, and where those notices apply they "
        "may control.",
    ),
    (
        "p",
        "This policy applies to information collected through the Portal. It does not apply "
        "to information collected in person at our clinics, by phone, or by other websites "
        "that link to or from the Portal.",
    ),
    ("h1", "2. Information We Collect"),
    (
        "p",
        "We collect information in several ways. The table below gives some examples of the "
        "kinds of information that may be collected. It is not a complete list.",
    ),
    (
        "table",
        [
            ["Type of information", "Examples", "How we get it"],
            [
                "Registration details",
                "Name, date of birth, email address, phone number, medical record number",
                "From you and from your clinic",
            ],
            [
                "Health information",
                "Test results, visit summaries, medications, allergies, immunizations, "
                "messages to your care team",
                "From your medical record and from you",
            ],
            [
                "Billing information",
                "Insurance details, account balance, payment card information",
                "From you, your insurer and our billing partners",
            ],
            [
                "Technical information",
                "IP address, browser, device type, pages visited, time spent on pages",
                "Automatically, through cookies and similar tools",
            ],
            [
                "Location",
                "Approximate location, and precise location if you allow the app to find "
                "a nearby clinic",
                "From your device",
            ],
        ],
    ),
    (
        "p",
        "We may also collect other information that you choose to provide, such as answers to "
        "health questionnaires, photos you attach to messages, or information about family "
        "members you list as emergency contacts. In addition, we may receive information about "
        "you from other sources, such as pharmacies, laboratories, health information "
        "exchanges, marketing partners and publicly available sources, and combine it with "
        "information we already have.",
    ),
    ("h2", "Mobile app permissions"),
    (
        "p",
        "The MyHarbor app may ask for permission to use your camera (to photograph an "
        "insurance card or a skin condition for your care team), your photos, your "
        "location, your contacts and notifications. You can change these permissions in your "
        "device settings. The app may also collect information about your device, app usage "
        "and crashes, which may be used for analytics and to improve our services.",
    ),
    ("h1", "3. How We Use Information"),
    ("p", "We may use the information we collect for purposes such as:"),
    ("bullet", "providing, maintaining and improving the Portal and our services;"),
    ("bullet", "scheduling appointments and sending reminders;"),
    ("bullet", "processing payments and insurance claims;"),
    ("bullet", "responding to your messages and requests;"),
    ("bullet", "sending you newsletters, health tips and information about programs and events;"),
    ("bullet", "research, analytics and quality improvement;"),
    ("bullet", "any other purpose for which the information was provided."),
    (
        "p",
        "We may use de-identified information for any purpose. We may also use information to "
        "comply with applicable laws and to protect the rights and safety of Harbor Health, our "
        "patients and others.",
    ),
    ("h2", "Surveys and feedback"),
    (
        "p",
        "After a visit we may invite you to complete a survey about your experience. Surveys "
        "are run by a survey company on our behalf, and your answers may be linked to your "
        "visit and your clinician so that we can follow up on concerns and recognise good "
        "care. Some survey results may be used in research or published in summary form, and "
        "comments may be shared with the staff involved in your visit.",
    ),
    ("h2", "Information about other people"),
    (
        "p",
        "If you give us information about another person, such as a family member, an "
        "emergency contact or a person who will pay your bill, you confirm that you are "
        "allowed to do so. We may contact that person for the purposes for which you gave us "
        "their details, and we may keep their information together with yours.",
    ),
    ("h1", "4. Sharing of Information"),
    (
        "p",
        "We do not share your information except as described in this policy or as otherwise "
        "permitted. We may share information with our affiliates, with the doctors, nurses and "
        "staff involved in your care, with health plans and insurers, and with trusted partners "
        "that help us operate the Portal and our business, including technology, payment, "
        "billing, mailing and analytics companies. We may share information with partners who "
        "offer health-related products or services that we think may interest you.",
    ),
    (
        "p",
        "We may also disclose information if we believe it is required by law, in response to "
        "a subpoena or court order, to protect against fraud, or in connection with a merger, "
        "acquisition or sale of assets. If you use a proxy account, the people you authorize "
        "will be able to see the information in your Portal account.",
    ),
    ("h2", "Third-party services"),
    (
        "p",
        "The Portal uses services from other companies. For example, our appointment booking "
        "page is provided by a scheduling vendor, payments are processed by Stripe, and video "
        "visits use Zoom. These companies have their own privacy policies, and we are not "
        "responsible for their practices.",
    ),
    ("h2", "Connecting other apps"),
    (
        "p",
        "You can connect health and fitness apps, such as apps recommended by your care team, "
        "to your Portal account. When you do, the app can download information from your "
        "record, which may include your medications, lab results, conditions and visit notes. "
        "Once your information leaves the Portal it is handled under that app's own terms, "
        "which may allow the app to use or sell it in ways we would not. You can disconnect an "
        "app in your account settings, but this does not make the app delete information it "
        "has already received.",
    ),
    ("h2", "Text messages and email"),
    (
        "p",
        "If you give us your mobile number, we may send you text messages about appointments, "
        "test results being ready, bills and health programs, and we may use automated "
        "systems to send them. Message and data rates may apply. Reply STOP to stop receiving "
        "texts. Email messages from the Portal may include your name, the name of your clinic "
        "and the date of an appointment, and are sent using an email service provider.",
    ),
    ("h1", "5. Cookies and Analytics"),
    (
        "p",
        "We and our partners use cookies, web beacons, pixels and similar technologies on the "
        "Portal and our website to remember your preferences, understand how visitors use our "
        "pages and measure the effectiveness of our communications and advertising. Our pages, "
        "including some pages you see after signing in to the Portal, may contain tools "
        "provided by Google Analytics, the Meta Pixel and similar services, which may collect "
        "information about the pages you view and the buttons you click. You may be able to "
        "block cookies through your browser settings, but some features of the Portal may not "
        "work if you do.",
    ),
    ("h1", "6. Security"),
    (
        "p",
        "Harbor Health takes the security of your information seriously. We use administrative, "
        "technical and physical safeguards designed to protect your information. However, no "
        "method of transmission over the internet or electronic storage is completely secure, "
        "and we cannot guarantee absolute security. You are responsible for keeping your "
        "username and password confidential and for signing out of the Portal when you use a "
        "shared computer.",
    ),
    (
        "p",
        "If you believe your account has been accessed without your permission, change your "
        "password right away.",
    ),
    ("h1", "7. Children and Family Access"),
    (
        "p",
        "The Portal is intended for adults. Parents and guardians may request proxy access to "
        "the Portal account of a child, and access may change as the child gets older, in line "
        "with our internal policies and applicable law. We do not knowingly allow children to "
        "create their own Portal accounts. Information about children may be collected through "
        "a parent's or guardian's use of the Portal.",
    ),
    ("h2", "Proxy accounts"),
    (
        "p",
        "A patient may give another adult, such as a spouse or adult child, proxy access to "
        "their account. The patient can ask us to end proxy access at any time. Proxy users "
        "must follow the Portal Terms of Use and may only use the access for the benefit of the "
        "patient.",
    ),
    ("h1", "8. Changes"),
    (
        "p",
        "We may change this Privacy Policy at any time, for any reason, and the changes will be "
        "effective when posted. We encourage you to review this page regularly. Your use of the "
        "Portal after any changes are posted means that you accept them.",
    ),
    ("h1", "9. Other Important Information"),
    (
        "p",
        "The Portal is operated in the United States and is intended for use by patients of "
        "our clinics in the United States. If you use the Portal from another country, you "
        "understand that your information will be processed in the United States. Messages "
        "sent through the Portal are not for emergencies. If you have a medical emergency, "
        "call 911 or go to the nearest emergency room.",
    ),
    (
        "p",
        "Some states give their residents additional rights regarding their information. "
        "Where those laws apply to information collected through the Portal, we will comply "
        "with them as required.",
    ),
    (
        "p",
        "If you have questions about this Privacy Policy or want to make a request about your "
        "information, please contact us using the information below.",
    ),
]

CEDAR_BANNER = (
    "Archived on 2019-08-28 from https://www.cedarvalleylibrary.example.org/about/privacy - "
    "this is a copy of a page as it appeared on that date."
)

# Each block is (kind, text). Kinds: banner, title, h, p, bullet.
CEDAR_BLOCKS: list[tuple[str, str]] = [
    ("banner", CEDAR_BANNER),
    ("title", "Cedar Valley Public Library"),
    ("title", "Privacy Policy for the Library Website, Catalog and Digital Archive"),
    ("p", "Last updated: June 4, 2017"),
    ("h", "Our commitment"),
    (
        "p",
        "Freedom to read and to look things up without being watched is at the heart of what "
        "a public library does. The Cedar Valley Public Library collects as little information "
        "about you as it can, keeps it only as long as it must, and does not share it except "
        "as this policy explains. This policy covers the library website at "
        "cedarvalleylibrary.example.org, the online catalog, your My Library account, the "
        "Cedar Valley Digital Archive of local photographs and oral histories, and the public "
        "computers and wireless network in our three branches.",
    ),
    ("h", "Information we collect"),
    (
        "p",
        "To issue a library card we ask for your name, home address, telephone number, date "
        "of birth and, if you want notices by email, your email address. We check a photo ID "
        "when you register but we do not copy or keep it. Your card record also holds the "
        "items you currently have checked out, holds you have placed, and any fines or fees "
        "you owe.",
    ),
    (
        "p",
        "When you use the website, our web server records your IP address, the pages you "
        "request, the date and time, and the type of browser you use. When you search the "
        "catalog, your searches are not stored with your name. When you sign in to My Library, "
        "a cookie keeps you signed in until you close your browser.",
    ),
    (
        "p",
        "When you contribute to the Digital Archive, for example by donating scans of family "
        "photographs or recording an oral history interview, we collect your name and contact "
        "details, a signed donation and release form, and whatever personal stories you "
        "choose to share. Contributions are public once they are added to the Archive, and "
        "you decide during the interview whether your name appears with them.",
    ),
    ("h", "Lost cards and shared accounts"),
    (
        "p",
        "Please report a lost or stolen card right away; you are responsible for items "
        "checked out on it until you do. Staff will only discuss the items on a card with the "
        "card holder, or with the parent or guardian of a child under 13 who brings the card "
        "in. Adults who want a family member to pick up their holds can add that person as "
        "an authorized pickup in My Library.",
    ),
    ("h", "How we use your information"),
    (
        "p",
        "We use your information to lend materials, tell you when holds arrive or items are "
        "overdue, collect fines, and keep the catalog and Archive running. We use the web "
        "server logs and Google Analytics reports to see which pages are used and to fix "
        "broken links. We use Google Analytics with the setting that shortens IP addresses "
        "before they are stored. We do not use your information to advertise to you, and we "
        "never sell, rent or trade it.",
    ),
    ("h", "Your borrowing history"),
    (
        "p",
        "We do not keep a record of what you have borrowed once you return it. When an item is "
        "checked in and any fines are paid, the link between you and the item is removed from "
        "our system. If you would like a reading history, you can turn on the optional Reading "
        "History feature in My Library; you can turn it off, and erase the history, at any "
        "time.",
    ),
    ("h", "E-books, databases and other outside services"),
    (
        "p",
        "Some library services are provided by outside companies, and when you use them you "
        "are also subject to their privacy policies. These include:",
    ),
    ("bullet", "OverDrive and the Libby app, for e-books and downloadable audiobooks;"),
    ("bullet", "hoopla, for streaming films and music;"),
    ("bullet", "research databases such as EBSCO and Gale;"),
    ("bullet", "MailChimp, which sends our monthly events newsletter;"),
    ("bullet", "PayPal, for paying fines online."),
    (
        "p",
        "Our e-book provider stores some account information on servers in the United States "
        "and the European Union and is certified under the EU-U.S. Privacy Shield Framework. "
        "We choose vendors that agree not to sell patron information, but we cannot control "
        "what these companies do and we encourage you to read their policies.",
    ),
    ("h", "When we share information"),
    (
        "p",
        "Library records are confidential under state law. We will not disclose them to any "
        "person, business or government agency, except: to library staff who need them to do "
        "their work; to a collection agency, limited to your name, contact information and "
        "the amount owed, if your fines are more than 100 dollars and six months overdue; with "
        "your written consent; or in response to a subpoena, court order or warrant. If we "
        "receive a legal demand for patron records, the Library Director will consult the "
        "city attorney, and we will notify you unless the law forbids it.",
    ),
    ("h", "Email, text and phone notices"),
    (
        "p",
        "You can choose to receive hold and overdue notices by email, text message or an "
        "automated phone call. Notices name the items only when you have chosen the detailed "
        "notice option in My Library; otherwise they say only that items are waiting or due. "
        "Text messages are sent through a messaging company that receives your phone number "
        "and the text of the message, and your mobile carrier's charges may apply.",
    ),
    ("h", "Programs, meeting rooms and events"),
    (
        "p",
        "When you sign up for a story time, class or author talk, or book a meeting room, we "
        "ask for your name and a phone number or email address so that we can tell you about "
        "changes or cancellations. We delete program sign-up lists one month after the event. "
        "Meeting room bookings are public records and show the name of the group and the "
        "person who booked the room. Library staff sometimes take photographs at public "
        "events for the newsletter and our social media pages; please tell the photographer "
        "if you or your children do not want to be photographed.",
    ),
    ("h", "Interlibrary loan and the regional catalog"),
    (
        "p",
        "Cedar Valley shares its catalog with the other libraries in the Prairie Lakes "
        "Library Cooperative. If you borrow an item from another library in the cooperative, "
        "that library sees your card number and the item until it is returned. Interlibrary "
        "loan requests to libraries outside the cooperative include your name and card "
        "number, and the request record is deleted when the item is returned to the lending "
        "library.",
    ),
    ("h", "Security cameras"),
    (
        "p",
        "Security cameras record the entrances, parking lots and service desks of each "
        "branch. They do not record what you read or what is on a computer screen. "
        "Recordings are kept for 30 days and then recorded over, unless they are needed for "
        "an investigation of an incident in the library.",
    ),
    ("h", "Public computers and wireless"),
    (
        "p",
        "Our public computers erase browsing history, downloads and files at the end of every "
        "session. Sign-up sheets for computer time are shredded at the end of each day. The "
        "free wireless network is not encrypted, so please do not send sensitive information "
        "over it unless the website you are using is secure.",
    ),
    ("h", "Social media and embedded content"),
    (
        "p",
        "The library has pages on Facebook, Twitter and Instagram. If you follow us, comment "
        "or send us a message there, the social network's privacy policy applies, and your "
        "comments can be seen by other visitors. Some pages on our website show videos from "
        'YouTube and a Facebook "Like" button. These features may set their own cookies '
        "and tell those companies that you visited the page, even if you do not click on "
        "them. The children's pages and the catalog do not include them.",
    ),
    ("h", "Volunteers and Friends of the Library"),
    (
        "p",
        "Volunteers who work with patron records sign a confidentiality agreement. The "
        "Friends of the Cedar Valley Library is a separate nonprofit group; we do not give "
        "the Friends our patron list, and if you join the Friends your membership details are "
        "handled by them.",
    ),
    ("h", "How long we keep records"),
    (
        "p",
        "Card records are deleted three years after a card expires if no fines are owed. Web "
        "server logs are deleted after 60 days. Records of fines paid are kept for the period "
        "required by the city's financial records schedule. Archive donation forms are kept "
        "permanently, because they show our right to publish the contribution.",
    ),
    ("h", "Children"),
    (
        "p",
        "Children of any age can have a library card with a parent or guardian's signature on "
        "the application. We treat children's records with the same confidentiality as adult "
        "records. The library website does not knowingly collect personal information online "
        "from children under 13 except the card number and PIN needed to sign in to My "
        "Library, and the children's pages do not use any social media features.",
    ),
    ("h", "Seeing and correcting your information"),
    (
        "p",
        "You can see and update your contact details in My Library, or at any service desk "
        "with your card and photo ID. If you think any information we hold about you is wrong, "
        "ask us and we will correct it.",
    ),
    ("h", "Security"),
    (
        "p",
        "My Library pages and online payments use a secure (https) connection. Staff access to "
        "patron records is password protected and limited to what each job requires.",
    ),
    ("h", "Changes to this policy"),
    (
        "p",
        "The Library Board of Trustees reviews this policy every two years. Changes are "
        "posted on this page and announced in the newsletter.",
    ),
    ("h", "Questions"),
    (
        "p",
        "Please direct questions to the Library Director, Cedar Valley Public Library, "
        "215 Orchard Row, Cedar Valley, MN 55999, telephone 612-555-0119, or email "
        "director@cedarvalleylibrary.example.org.",
    ),
]


# --- DOCX -------------------------------------------------------------------------------------


def build_docx() -> bytes:
    document = docx.Document()
    for kind, content in HARBOR_BLOCKS:
        if kind == "title":
            document.add_heading(str(content), level=0)
        elif kind == "h1":
            document.add_heading(str(content), level=1)
        elif kind == "h2":
            document.add_heading(str(content), level=2)
        elif kind == "p":
            document.add_paragraph(str(content))
        elif kind == "bullet":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "number":
            document.add_paragraph(str(content), style="List Number")
        elif kind == "table":
            rows: list[list[str]] = content  # type: ignore[assignment]
            table = document.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        else:
            raise ValueError(f"unknown block kind {kind!r}")

    props = document.core_properties
    props.title = "Harbor Health Patient Portal Privacy Policy"
    props.author = "Harbor Health Partners"
    props.last_modified_by = "Harbor Health Partners"
    props.created = DOCX_DATE
    props.modified = DOCX_DATE
    props.last_printed = DOCX_DATE
    props.revision = 1

    buffer = io.BytesIO()
    document.save(buffer)
    return _restamp_zip(buffer.getvalue())


def _restamp_zip(data: bytes) -> bytes:
    """Copy a zip with every entry's timestamp fixed, since python-docx uses the wall clock."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
LEFT, TOP, BOTTOM = 72, 730, 72
BODY_SIZE, BODY_LEADING = 10, 14
WRAP = 92  # characters per body line: Helvetica 10pt averages about 5pt a character


def _pdf_string(text: str) -> str:
    """A PDF literal string. The sample text is ASCII, so no font encoding tricks are needed."""
    text.encode("ascii")  # fail loudly if a non-ASCII character slips into the sample
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _pdf_lines(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Turn blocks into (font role, line) pairs; ("gap", "") marks a blank line."""
    lines: list[tuple[str, str]] = []
    for kind, text in blocks:
        if kind == "banner":
            lines += [("small", line) for line in textwrap.wrap(text, 110)]
            lines.append(("gap", ""))
        elif kind == "title":
            lines.append(("title", text))
        elif kind == "h":
            lines += [("gap", ""), ("heading", text)]
        elif kind == "bullet":
            wrapped = textwrap.wrap(text, WRAP - 4)
            lines.append(("body", "- " + wrapped[0]))
            lines += [("body", "  " + rest) for rest in wrapped[1:]]
        else:
            lines += [("body", line) for line in textwrap.wrap(text, WRAP)]
            lines.append(("gap", ""))
    return lines


def _paginate(lines: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    per_page = (TOP - BOTTOM) // BODY_LEADING
    pages: list[list[tuple[str, str]]] = [[]]
    for line in lines:
        if len(pages[-1]) >= per_page:
            pages.append([])
        if line[0] == "gap" and not pages[-1]:
            continue  # no blank line at the top of a page
        # Keep a heading with the first line of its section.
        if line[0] == "heading" and len(pages[-1]) >= per_page - 2:
            pages.append([])
        pages[-1].append(line)
    return pages


FONTS = {"body": ("F1", 10), "small": ("F1", 8), "title": ("F2", 14), "heading": ("F2", 11)}


def _content_stream(page: list[tuple[str, str]], number: int, total: int) -> bytes:
    ops = ["BT", f"{BODY_LEADING} TL", f"{LEFT} {TOP} Td"]
    current = ""
    for role, text in page:
        if role == "gap":
            ops.append("T*")
            continue
        font, size = FONTS[role]
        if font + str(size) != current:
            ops.append(f"/{font} {size} Tf")
            current = font + str(size)
        if role == "heading":
            # Headings use TJ with a small kern between words, as typesetting programs do; the
            # kern is far below a space width, so text extractors do not read it as a gap.
            words = text.split(" ")
            parts = [_pdf_string(w + " ") for w in words[:-1]] + [_pdf_string(words[-1])]
            ops.append("[" + " -12 ".join(parts) + "] TJ T*")
        else:
            ops.append(f"{_pdf_string(text)} Tj T*")
    ops.append("ET")
    ops += [
        "BT",
        "/F1 8 Tf",
        f"{PAGE_WIDTH // 2 - 20} 40 Td",
        f"(Page {number} of {total}) Tj",
        "ET",
    ]
    return ("\n".join(ops) + "\n").encode("ascii")


def build_pdf() -> bytes:
    pages = _paginate(_pdf_lines(CEDAR_BLOCKS))
    # Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then for each
    # page a page object followed by its content stream.
    first_page = 6
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{pid} 0 R" for pid in page_ids)
            + f"] /Count {len(pages)} >>"
        ).encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title (Privacy Policy - Cedar Valley Public Library) /Producer (hand-written) >>",
    ]
    for index, page in enumerate(pages):
        stream = _content_stream(page, index + 1, len(pages))
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                f"/Contents {page_ids[index] + 1} 0 R >>"
            ).encode("ascii")
        )
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n".encode("ascii") + stream + b"endstream"
        )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)


def main() -> None:
    DOCX_PATH.write_bytes(build_docx())
    PDF_PATH.write_bytes(build_pdf())
    print(f"wrote {DOCX_PATH.name} and {PDF_PATH.name}")


if __name__ == "__main__":
    main()
