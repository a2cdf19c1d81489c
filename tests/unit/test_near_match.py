"""Names.close_matches gives difflib's answer while skipping names whose length rules them out."""

from __future__ import annotations

import difflib
import itertools

from isms.io.importing.near import Names

PEOPLE = ["sian evans", "siân evans", "priya patel", "tom hughes", "jo king", "aisha khan",
          "alex", "", "nicola roberts-lewis"]
WRITTEN = ["Sian Evans", "sian evens", "Priya Patell", "Head of Highways Maintenance (North)",
           "tom", "", "jo kin", "Nicola Roberts Lewis", "a"]


def test_the_same_answer_as_difflib_for_every_pair_and_cutoff() -> None:
    for word, cutoff, n in itertools.product([w.lower() for w in WRITTEN], (0.0, 0.6, 0.75, 0.8,
                                                                            1.0), (1, 3)):
        assert Names(PEOPLE).close_matches(word, n=n, cutoff=cutoff) == (
            difflib.get_close_matches(word, PEOPLE, n=n, cutoff=cutoff)), (word, cutoff, n)


def test_a_near_name_is_found_and_a_job_title_is_near_nobody() -> None:
    names = Names(PEOPLE)
    assert names.close_matches("sian evens", n=1, cutoff=0.8) == ["sian evans"]
    assert names.close_matches("head of highways maintenance north", n=1, cutoff=0.8) == []
    assert Names([]).close_matches("anyone", n=1, cutoff=0.8) == []
