"""A tiny OPP-115-format corpus written by us for tests (no corpus rows are copied).

First Party Collection/Use as [no, yes] per segment: alpha#0 [3,0], alpha#1 [0,3],
alpha#2 [2,1], beta#0 [3,0], beta#1 [1,2] (annotator 13 finished beta and gave it nothing).
  P_bar = (1 + 1 + 1/3 + 1 + 1/3) / 5 = 11/15; p = (9/15, 6/15) -> P_e = 117/225
  Fleiss' kappa = (165/225 - 117/225) / (108/225) = 4/9
  Krippendorff's alpha = 1 - (n - 1)(o_ny + o_yn) / (2 n_n n_y) = 1 - 14 * 4 / 108 = 13/27
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

FIRST = "First Party Collection/Use"

POLICIES = {
    "1_alpha.example": [
        "<strong>About us</strong><br>We are Alpha, a made-up shop.",
        "We collect your <b>e-mail</b> &amp; name when you order.",
        "We may pass order data to delivery partners.",
    ],
    "2_beta.example": [
        "We post changes to this notice on this page.",
        "Cookies help us remember your basket.",
    ],
}

# (policy, annotator, segment, category); a repeated row is a second practice.
PRACTICES = [
    ("1_alpha.example", "10", 0, "Other"),
    ("1_alpha.example", "11", 0, "Other"),
    ("1_alpha.example", "12", 0, "Other"),
    ("1_alpha.example", "10", 1, FIRST),
    ("1_alpha.example", "11", 1, FIRST),
    ("1_alpha.example", "11", 1, FIRST),
    ("1_alpha.example", "12", 1, FIRST),
    ("1_alpha.example", "10", 2, "Third Party Sharing/Collection"),
    ("1_alpha.example", "11", 2, FIRST),
    ("1_alpha.example", "12", 2, "Third Party Sharing/Collection"),
    ("2_beta.example", "10", 0, "Policy Change"),
    ("2_beta.example", "13", 0, "Policy Change"),
    ("2_beta.example", "12", 0, "Policy Change"),
    ("2_beta.example", "10", 1, FIRST),
    ("2_beta.example", "12", 1, FIRST),
]


def write(root: Path) -> Path:
    (root / "sanitized_policies").mkdir(parents=True)
    (root / "annotations").mkdir()
    for name, segments in POLICIES.items():
        (root / "sanitized_policies" / f"{name}.html").write_text("|||".join(segments), "utf-8")
        with (root / "annotations" / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for i, (policy, annotator, segment, category) in enumerate(PRACTICES):
                if policy == name:
                    writer.writerow(
                        [
                            i,
                            "batch",
                            annotator,
                            9000,
                            segment,
                            category,
                            json.dumps({"x": {"value": "y", "startIndexInSegment": -1}}),
                            "Not specified",
                            f"http://{name}/privacy",
                        ]
                    )
    return root
