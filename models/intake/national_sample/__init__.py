"""The national sample: real NEET provision compiled by the project from public web pages.

It lives as partner CSV files, one per English region, beside a provenance file per region
(`models/data/national_sample/`), and is loaded through the same parsing, validation and LA
resolution as a partner's import, so no rule can hold for partners and not for the sample.
"""

from models.intake.national_sample.loader import (
    COMPILED_STATEMENT,
    SAMPLE_PREFIX,
    NationalSampleError,
    SampleRow,
    load_national_sample,
    read_national_sample,
    sample_files,
)

__all__ = [
    "COMPILED_STATEMENT",
    "SAMPLE_PREFIX",
    "NationalSampleError",
    "SampleRow",
    "load_national_sample",
    "read_national_sample",
    "sample_files",
]
