"""bucket_for, age, combine."""

from datetime import date

import pytest

from resolvers.rules.aging import AgingBuckets, Bucket, age, bucket_for, combine


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-3, Bucket.CURRENT),
        (0, Bucket.CURRENT),
        (1, Bucket.DAYS_1_30),
        (30, Bucket.DAYS_1_30),
        (31, Bucket.DAYS_31_60),
        (60, Bucket.DAYS_31_60),
        (61, Bucket.DAYS_61_90),
        (90, Bucket.DAYS_61_90),
        (91, Bucket.OVER_90),
    ],
)
def test_bucket_edges(days, bucket):
    assert bucket_for(days) is bucket


def test_age_sums_by_bucket():
    buckets = age([(date(2025, 3, 20), 100), (date(2025, 3, 1), 200), (date(2024, 11, 1), 300)], date(2025, 3, 15))
    assert buckets == AgingBuckets(current=100, days_1_30=200, over_90=300)
    assert buckets.total == 600
    assert buckets.past_due == 500


def test_combine():
    assert combine([AgingBuckets(current=1), AgingBuckets(current=2, over_90=3)]) == AgingBuckets(current=3, over_90=3)
