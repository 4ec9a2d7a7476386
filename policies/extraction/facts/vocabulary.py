"""Closed vocabularies of the fact kinds, and the word lists that map wording onto them.

The normalised values are part of the facts contract (``docs/facts.md``): compliance checks
compare against these exact strings, so add values, never rename them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator

from policies.extraction.facts import anchors
from policies.extraction.facts.headindex import HeadIndex
from policies.extraction.facts.prefilter import Guarded

DATA_CATEGORIES = (
    "contact",
    "identifiers",
    "account_credentials",
    "payment",
    "device_technical",
    "usage_activity",
    "location",
    "cookies_trackers",
    "communications",
    "user_content",
    "audio_video",
    "education_records",
    "biometric",
    "health",
    "inferences",
    "sensitive",
)
SOURCES = ("user", "automatic", "third_party", "school_employer")
PURPOSES = (
    "provide_service",
    "account_management",
    "communication",
    "marketing",
    "advertising",
    "analytics",
    "personalisation",
    "improve_service",
    "security_fraud",
    "legal_compliance",
    "research",
    "payment",
    "customer_support",
    "education",
)
LEGAL_BASES = (
    "contract",
    "consent",
    "legitimate_interests",
    "legal_obligation",
    "vital_interests",
    "public_task",
)
RECIPIENT_CATEGORIES = (
    "service_providers",
    "advertisers",
    "analytics_providers",
    "affiliates",
    "business_partners",
    "law_enforcement",
    "acquirers",
    "payment_processors",
    "social_networks",
    "schools",
    "public",
)
RIGHTS = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "withdraw_consent",
    "complaint_authority",
    "opt_out_marketing",
    "opt_out_sale",
    "limit_sensitive",
    "non_discrimination",
    "know",
)
REQUEST_METHODS = (
    "email",
    "web_form",
    "toll_free_phone",
    "phone",
    "postal",
    "in_app",
    "account_settings",
)
EMAIL_ROLES = ("privacy", "dpo", "support", "general", "other")
DATE_LABELS = ("last_updated", "effective")
CHILDREN_STATEMENTS = (
    "not_directed",
    "directed",
    "knowingly_collect",
    "delete_if_discovered",
    "other",
)
CONSENT_BY = ("parent", "school")
STANCES = ("honors", "does_not_honor", "mentioned")
TRANSFER_OUTSIDE = ("EEA", "US", "other")
SAFEGUARDS = ("scc", "adequacy", "bcr", "dpf", "privacy_shield", "consent", "other")
POLICY_CHANGE_NOTICES = ("email", "posting", "in_app", "other")
STUDENT_STATEMENTS = (
    "no_sale",
    "no_targeted_ads",
    "no_profiling",
    "school_official",
    "school_controls",
    "deletion_on_request",
    "security",
    "other",
)
SECURITY_MEASURES = (
    "encryption",
    "tls",
    "access_control",
    "authentication",
    "backups",
    "firewall",
    "monitoring",
    "physical",
    "training",
    "industry_standard",
    "pseudonymisation",
)

# kind -> (value field, allowed values) for every kind with a closed vocabulary.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "data_category": DATA_CATEGORIES,
    "data_source": SOURCES,
    "purpose": PURPOSES,
    "legal_basis": LEGAL_BASES,
    "recipient_category": RECIPIENT_CATEGORIES,
    "right": RIGHTS,
    "request_method": REQUEST_METHODS,
    "email_role": EMAIL_ROLES,
    "last_updated_label": DATE_LABELS,
    "children_statement": CHILDREN_STATEMENTS,
    "children_consent": CONSENT_BY,
    "dnt": STANCES,
    "gpc": STANCES,
    "transfer_outside": TRANSFER_OUTSIDE,
    "transfer_safeguard": SAFEGUARDS,
    "policy_change": POLICY_CHANGE_NOTICES,
    "student_data": STUDENT_STATEMENTS,
    "security": SECURITY_MEASURES,
}


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(words)


class KeywordTable:
    """``label -> regex fragments``: one case-insensitive pattern per label, each with its
    literal pre-check. (One combined pattern with a group per label measured ~4x slower: ``re``
    loses the per-pattern prefix optimisations.)"""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self.patterns = tuple(
            (label, Guarded(anchors.compile(r"\b(?:" + _alternation(frags) + ")")))
            for label, frags in table.items()
        )
        # Labels whose pattern is anchored share one scan for their heads (``anchors.HeadScan``).
        self._scanned = [
            i for i, (_label, g) in enumerate(self.patterns)
            if isinstance(g.pattern, anchors.AnchoredPattern)
        ]  # fmt: skip
        self._scan = anchors.HeadScan([self.patterns[i][1].pattern for i in self._scanned])
        # Per label, its index among the scanned patterns, or -1.
        self._slots = [self._scanned.index(i) if i in self._scanned else -1
                       for i in range(len(self.patterns))]  # fmt: skip
        # Any label's cue bit: a clause without one holds none of the table's wordings.
        self.bits = 0
        for _label, pattern in self.patterns:
            self.bits |= 1 << pattern.bit
        # What ``first`` needs of each label, looked up once: (label, guarded pattern, cue bit,
        # head index slot or -1, HeadScan slot or -1).
        self._entries = tuple(
            (label, g, g.bit, g.pattern.slot if slot >= 0 else -1, slot)
            for (label, g), slot in zip(self.patterns, self._slots, strict=True)
        )
        # When every label is anchored, their head index slots are consecutive (compiled in
        # table order just above): the labels present in a clause are then one bit field of
        # its presence bits.
        slots = [entry[3] for entry in self._entries]
        self._first_slot = (
            slots[0] if slots and slots == list(range(slots[0], slots[0] + len(slots))) else -1
        )

    @property
    def guards(self) -> tuple[Guarded, ...]:
        """The labels' patterns."""
        return tuple(pattern for _label, pattern in self.patterns)

    def _labels(self, present: int) -> Iterator[tuple] | tuple:
        """The entries of the labels that may match in a clause with presence bits ``present``
        (``ClauseView.heads``), in table order."""
        if self._first_slot < 0 or present == -1:
            return self._entries
        return _present_labels(
            self._entries, (present >> self._first_slot) & ((1 << len(self._entries)) - 1)
        )

    def possible(self, mask: int) -> bool:
        return bool(mask & self.bits)

    def first(
        self,
        text: str,
        mask: int,
        accept: Callable[[str, re.Match[str]], bool],
        index: HeadIndex | None = None,
        at: int = 0,
        present: int = -1,
    ) -> Iterator[tuple[str, re.Match[str]]]:
        """Per label, the first match ``accept`` takes (labels in table order) in ``lower``, the
        lower-cased clause text (the patterns are compiled without IGNORECASE); ``mask`` is the
        clause's cue mask. With the document's head ``index`` (the clause starting at document
        position ``at``, ``present`` its ``ClauseView.heads``) each label is tried at its own
        head positions from the index; without it the clause is scanned once for the heads of
        all labels."""
        found: list[list[int]] | None = None
        end = at + len(text)
        for label, pattern, bit, slot, scanned in self._labels(present):
            if not (mask >> bit) & 1:
                continue
            if scanned < 0:  # not anchored: the pattern's own scan
                for m in pattern.pattern.finditer(text):
                    if accept(label, m):
                        yield label, m
                        break
                continue
            if not (present >> slot) & 1:
                continue
            heads = None if index is None else index.positions(slot)
            if heads is not None:
                i, base = bisect_left(heads, at), at
            else:
                if found is None:
                    found = self._scan.positions(text)
                heads, i, base = found[scanned], 0, 0
            # What finditer yields, as every match starts at a head: the first head where the
            # pattern matches, then the first one at or after that match's end, ...
            match, resume, n = pattern.pattern.plain.match, 0, len(heads)
            while i < n and (p := heads[i]) < end:
                i += 1
                s = p - base
                if s >= resume and (m := match(text, s)) is not None:
                    if accept(label, m):
                        yield label, m
                        break
                    resume = m.end()


def _present_labels(entries: tuple, labels: int) -> Iterator[tuple]:
    """The entries whose bit is set in ``labels``, in order."""
    while labels:
        low = labels & -labels
        labels ^= low
        yield entries[low.bit_length() - 1]


def keyword_table(table: dict[str, tuple[str, ...]]) -> KeywordTable:
    return KeywordTable(table)


# Data categories: wording -> category. Fragments are regexes, matched case-insensitively.
DATA_CATEGORY_WORDS = keyword_table(
    {
        "contact": (
            r"(?:full |first |last |your |user'?s? )?names?\b(?! of (?:the|our|a) )",
            r"e-?mail address(?:es)?",
            r"(?:tele)?phone numbers?",
            r"mobile numbers?",
            r"(?:postal|mailing|home|street|physical|shipping|billing) address(?:es)?",
            r"address information",
            r"contact (?:information|details|data|info)",
        ),
        "identifiers": (
            r"ip address(?:es)?",
            r"internet protocol",
            r"(?:unique |online |mobile |persistent )?(?:device )?identifiers?",
            r"device ids?",
            r"advertising ids?",
            r"social security numbers?",
            r"driver'?s licen[cs]e",
            r"passport",
            r"mac address",
            r"user ids?",
        ),
        "account_credentials": (
            r"passwords?",
            r"user ?names?",
            r"login (?:credentials|information|details)",
            r"account credentials",
            r"security (?:questions?|code)",
        ),
        "payment": (
            r"credit card",
            r"debit card",
            r"payment (?:information|details|data|card|transaction)",
            r"bank account",
            r"billing (?:information|details|address)",
            r"financial information",
            r"purchase history",
        ),
        "device_technical": (
            r"browser(?: type| language| version)?",
            r"operating system",
            r"device (?:type|information|model|data)",
            r"internet service provider",
            r"isp\b",
            r"hardware",
            r"technical (?:information|data)",
            r"systems data",
            r"time ?zone",
            r"domain (?:information|name)",
        ),
        "usage_activity": (
            r"usage (?:data|information)",
            r"pages? (?:and products )?(?:viewed|visited)",
            r"clickstream",
            r"log (?:data|files?|information)",
            r"browsing (?:history|activity)",
            r"referring (?:pages?|urls?|websites?)",
            r"length of (?:your )?(?:session|visit|attendance)",
            r"patterns of utili[sz]ation",
            r"(?:web )?navigation data",
            r"date/time stamp",
            r"interactions? with",
            r"urls of the sites",
            r"(?:site|service) usage",
            r"analytical information",
        ),
        "location": (
            r"(?:precise |current |geographic(?:al)? |approximate )?location(?: data| information)?",
            r"geo-?location",
            r"gps",
        ),
        "cookies_trackers": (
            r"cookies?",
            r"web beacons?",
            r"pixels?(?: tags?)?",
            r"tracking technolog(?:y|ies)",
            r"local storage",
            r"sdks?",
            r"clear gifs?",
        ),
        "communications": (
            r"communications?(?: information| data)?",
            r"messages",
            r"correspondence",
            r"chat (?:logs|messages|transcripts)",
            r"support (?:requests|tickets)",
            r"feedback",
        ),
        "user_content": (
            r"(?:user[- ]generated )?content you (?:upload|post|provide|create|submit)",
            r"user[- ]generated content",
            r"photos?",
            r"(?:personal )?photographs?",
            r"files? you upload",
            r"information you upload",
            r"upload(?:ed)? (?:personal )?(?:data|files|content)",
            r"course files",
            r"posts",
            r"comments",
        ),
        "audio_video": (
            r"(?:meeting |video |audio |call )?recordings?",
            r"recorded videos?",
            r"audio",
            r"voice",
            r"webcam",
            r"video (?:data|content)",
        ),
        "education_records": (
            r"education(?:al)? records?",
            r"student (?:records?|information|data|work|grades)",
            r"grades",
            r"class (?:information|rosters?)",
            r"(?:course|class)(?:es)? (?:enrolments|enrollments)",
            r"courses created",
            r"(?:class|course|school) attendance",
            r"assignments",
            r"test (?:scores|results)",
            r"quiz(?:zes)? (?:answers|results)",
        ),
        "biometric": (
            r"biometric",
            r"fingerprints?",
            r"face ?prints?",
            r"facial (?:recognition|geometry)",
        ),
        "health": (r"health", r"medical", r"disabilit(?:y|ies)"),
        "inferences": (r"inferences?", r"profiles? (?:about|of) you", r"interests and preferences"),
        "sensitive": (
            r"sensitive (?:personal )?(?:information|data)",
            r"racial",
            r"ethnic(?:ity)?",
            r"religio(?:n|us)",
            r"sexual orientation",
            r"political (?:opinions|beliefs)",
            r"trade union",
            r"genetic",
        ),
    }
)

PURPOSE_WORDS = keyword_table(
    {
        "provide_service": (
            r"(?:to )?provide (?:you (?:with )?)?(?:our|the) (?:services?|products?|website)",
            r"provide (?:its|their) services",
            r"perform (?:the|a|our) contract",
            r"operate (?:and maintain )?(?:our|the) (?:services?|website)",
            r"(?:deliver|render) (?:you )?(?:our|the) services?",
            r"fulfil?l (?:the|your|purchases|orders)",
            r"necessary to provide",
        ),
        "account_management": (
            r"(?:maintain|manage|administer|create) (?:your |an |the )?(?:user )?accounts?",
            r"account management",
            r"registration",
        ),
        "communication": (
            r"communicat\w* (?:periodically )?with you",
            r"send (?:you )?(?:periodic )?e-?mails",
            r"send you (?:information|notices|updates|notifications)",
            r"respond to your (?:questions|queries|inquiries|requests|individual needs)",
            r"inform (?:you )?about",
        ),
        "marketing": (
            r"marketing",
            r"promotional",
            r"newsletters?",
            r"promotional offers",
            r"market research",
        ),
        "advertising": (
            r"advertis(?:ing|ements?)",
            r"serve ads",
            r"targeted ads",
            r"interest-based ads",
        ),
        "analytics": (
            r"analytics",
            r"analy[sz]e",
            r"analysis",
            r"statistical",
            r"statistics",
            r"evaluate the use",
            r"demand patterns",
            r"overall trends",
            r"create reports",
        ),
        "personalisation": (r"personali[sz]\w+", r"customi[sz]\w+", r"tailor\w*"),
        "improve_service": (
            r"improv\w+",
            r"develop(?:ing)? (?:our |new )?(?:services|products|features)",
            r"optimi[sz]e",
            r"quality assurance",
            r"expand our services",
        ),
        "security_fraud": (
            r"fraud",
            r"(?:it )?security",
            r"protect (?:the )?(?:security|integrity|our rights|against)",
            r"prevent (?:abuse|misuse)",
        ),
        "legal_compliance": (
            r"comply with (?:a |our |any |applicable )?(?:legal|the law|law|laws|legal obligations?)",
            r"legal obligations?",
            r"required by law",
            r"legal (?:process|claims|reasons)",
            r"court order",
            r"enforce (?:our )?(?:terms|rights)",
        ),
        "research": (r"research", r"surveys?"),
        "payment": (
            r"process (?:payments|transactions|purchases)",
            r"billing",
            r"to bill",
            r"payments?",
        ),
        "customer_support": (
            r"customer (?:service|support)",
            r"provide support",
            r"support needs",
            r"technical support",
        ),
        "education": (
            r"learning",
            r"educational",
            r"instructional",
            r"classroom instruction",
            r"use and benefit of (?:the|their|your) school",
        ),
    }
)

RECIPIENT_WORDS = keyword_table(
    {
        "service_providers": (
            r"(?<!internet )service providers?",
            r"(?:sub-?)?processors?(?! on behalf)",
            r"vendors?",
            r"contractors?",
            r"subcontractors?",
            r"third parties to perform",
            r"companies that (?:help|perform)",
            r"software application services",
            r"data centers?",
        ),
        "advertisers": (
            r"advertisers?",
            r"advertising (?:companies|partners|networks)",
            r"ad networks?",
        ),
        "analytics_providers": (r"analytics (?:providers?|partners?|services?|companies)",),
        "affiliates": (
            r"affiliates?",
            r"subsidiar(?:y|ies)",
            r"parent company",
            r"group companies",
        ),
        "business_partners": (
            r"(?:business |channel |authorized business |marketing )partners?",
            r"our partners?",
            r"local representatives",
        ),
        "law_enforcement": (
            r"law enforcement",
            r"government(?:al)? (?:officials|authorities|agencies)",
            r"public (?:and government )?authorities",
            r"court order",
            r"legal process",
            r"required by law",
            r"regulators?",
        ),
        "acquirers": (
            r"merger",
            r"acquisition",
            r"acquirer",
            r"successor",
            r"bankruptcy",
            r"transfer our business",
            r"sale of (?:all or )?(?:some|part|substantially)?\s*(?:of )?(?:our|the) (?:assets|business|company)",
            r"whom we merge",
        ),
        "payment_processors": (
            r"payment processors?",
            r"credit card processing",
            r"payment (?:service )?providers?",
        ),
        "social_networks": (r"social (?:media|networks?|networking)",),
        "schools": (r"(?:your|the|their) (?:school|institution|teacher|district)s?",),
        "public": (
            r"publicly",
            r"public internet",
            r"other users",
            r"(?:made|make \w+(?: \w+)?) public\b",
            r"to the public",
        ),
    }
)

# Hedge words counted as vague terms (case-insensitive; "may" only in lower case, see hedges).
HEDGES = (
    "including but not limited to",
    "including without limitation",
    "without limitation",
    "in our sole discretion",
    "in its sole discretion",
    "at our discretion",
    "sole discretion",
    "from time to time",
    "as necessary",
    "as needed",
    "as appropriate",
    "where appropriate",
    "deem appropriate",
    "reasonable",
    "reasonably",
    "such as",
    "for example",
    "among other things",
    "certain",
    "some",
    "generally",
    "typically",
    "usually",
    "occasionally",
    "periodically",
    "might",
    "may",
    "etc",
    "other",
)

# Countries and regions that name a transfer destination.
COUNTRIES = (
    "United States",
    "USA",
    "U.S.",
    "US",
    "Canada",
    "United Kingdom",
    "UK",
    "Ireland",
    "Germany",
    "France",
    "Netherlands",
    "Switzerland",
    "India",
    "Israel",
    "Australia",
    "Japan",
    "Singapore",
    "China",
    "Brazil",
    "Ukraine",
    "Russia",
    "Philippines",
    "South Korea",
    "Hong Kong",
    "Sweden",
    "Finland",
    "Denmark",
    "Norway",
    "Poland",
    "Spain",
    "Italy",
    "Belgium",
    "Austria",
    "Luxembourg",
    "Mexico",
    "New Zealand",
)

# Named services: canonical name -> spellings. Matched case-insensitively, longest first.
THIRD_PARTIES: dict[str, tuple[str, ...]] = {
    "Google Analytics": ("Google Analytics", "Universal Analytics", "GA4"),
    "Google Ads": ("Google Ads", "Google AdWords", "AdWords", "Google AdSense", "AdSense"),
    "DoubleClick": ("DoubleClick", "Google Marketing Platform"),
    "Google Tag Manager": ("Google Tag Manager",),
    "Google Maps": ("Google Maps",),
    "Google reCAPTCHA": ("reCAPTCHA", "Google reCAPTCHA"),
    "Google Classroom": ("Google Classroom",),
    "Google Workspace": ("Google Workspace", "G Suite", "Google Apps for Education"),
    "Google Cloud": ("Google Cloud", "Google Cloud Platform", "Firebase"),
    "Google Authenticator": ("Google Authenticator",),
    "Google": ("Google", "Google LLC", "Google Inc."),
    "YouTube": ("YouTube",),
    "Facebook Pixel": ("Facebook Pixel", "Meta Pixel", "Facebook Conversion Pixel"),
    "Facebook": ("Facebook", "Meta Platforms", "Facebook Inc."),
    "Instagram": ("Instagram",),
    "WhatsApp": ("WhatsApp",),
    "Stripe": ("Stripe",),
    "PayPal": ("PayPal",),
    "Braintree": ("Braintree",),
    "Amazon Web Services": ("Amazon Web Services", "AWS"),
    "Amazon": ("Amazon",),
    "Microsoft Azure": ("Microsoft Azure", "Azure"),
    "Microsoft Teams": ("Microsoft Teams",),
    "Microsoft": ("Microsoft",),
    "Mailchimp": ("Mailchimp", "MailChimp"),
    "Constant Contact": ("Constant Contact",),
    "Zendesk": ("Zendesk",),
    "Intercom": ("Intercom",),
    "HubSpot": ("HubSpot",),
    "Salesforce": ("Salesforce", "Pardot"),
    "Marketo": ("Marketo",),
    "Hotjar": ("Hotjar",),
    "Mixpanel": ("Mixpanel",),
    "Amplitude": ("Amplitude",),
    "Segment": ("Segment",),
    "FullStory": ("FullStory",),
    "Cloudflare": ("Cloudflare",),
    "Akamai": ("Akamai",),
    "Twilio": ("Twilio",),
    "SendGrid": ("SendGrid",),
    "Zoom": ("Zoom",),
    "Vimeo": ("Vimeo",),
    "LinkedIn": ("LinkedIn",),
    "Twitter": ("Twitter", "X (formerly Twitter)", "Twitter/X"),
    "TikTok": ("TikTok",),
    "Pinterest": ("Pinterest",),
    "Snapchat": ("Snapchat",),
    "Apple": ("Apple",),
    "Adobe": ("Adobe", "Adobe Analytics"),
    "Sentry": ("Sentry",),
    "New Relic": ("New Relic",),
    "Optimizely": ("Optimizely",),
    "Criteo": ("Criteo",),
    "AppNexus": ("AppNexus", "Xandr"),
    "Quantcast": ("Quantcast",),
    "comScore": ("comScore",),
    "Nielsen": ("Nielsen",),
    "Clever": ("Clever",),
    "ClassLink": ("ClassLink",),
    "Schoology": ("Schoology",),
    "Blackboard": ("Blackboard",),
    "Moodle": ("Moodle",),
    "Slack": ("Slack",),
    "Dropbox": ("Dropbox",),
    "Heroku": ("Heroku",),
    "DigitalOcean": ("DigitalOcean",),
    "Oracle": ("Oracle",),
    "Bing": ("Bing Ads", "Microsoft Advertising", "Bing"),
    "Taboola": ("Taboola",),
    "Outbrain": ("Outbrain",),
    "AppsFlyer": ("AppsFlyer",),
    "Crashlytics": ("Crashlytics",),
    "OneSignal": ("OneSignal",),
    "Auth0": ("Auth0",),
    "Okta": ("Okta",),
    "SurveyMonkey": ("SurveyMonkey",),
    "Typeform": ("Typeform",),
    "Wistia": ("Wistia",),
    "Freshdesk": ("Freshdesk",),
    "Drift": ("Drift",),
    "Plaid": ("Plaid",),
    "Square": ("Square",),
    "Klaviyo": ("Klaviyo",),
    "Sendinblue": ("Sendinblue", "Brevo"),
    "LiveRamp": ("LiveRamp",),
    "Shopify": ("Shopify",),
    "AddThis": ("AddThis",),
    "ShareThis": ("ShareThis",),
    "Disqus": ("Disqus",),
    "Vimeo OTT": ("Vimeo OTT",),
}
# Spellings that are also ordinary English words: matched only capitalised and mid-sentence.
AMBIGUOUS_NAMES = frozenset(
    {
        "Segment",
        "Zoom",
        "Apple",
        "Clever",
        "Slack",
        "Amplitude",
        "Square",
        "Drift",
        "Stripe",
        "Sentry",
        "Intercom",
        "Oracle",
        "Blackboard",
        "Amazon",
        "Azure",
        "Bing",
        "Plaid",
    }
)
