//! "Did you mean …?" suggestions for misspelt keys, names and values.
//!
//! Uses the optimal-string-alignment variant of the Damerau–Levenshtein
//! distance (`strsim::osa_distance`, over characters), so a swap of two
//! neighbouring letters (`wrokers` → `workers`), the commonest typo, costs
//! one edit rather than two.

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo: at most `max(2, len/3)` edits away, where `len` is the length of
/// `word` in characters. Ties go to the candidate that comes first, so the
/// answer is deterministic for a given order. Returns `None` when nothing is
/// close; a candidate equal to `word` is returned (distance zero). An empty
/// candidate is never suggested: "did you mean \"\"?" helps nobody.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(2);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates.into_iter().filter(|c| !c.is_empty()) {
        // Cheap reject: the length difference alone is a lower bound.
        if candidate.chars().count().abs_diff(len) > limit {
            continue;
        }
        let d = strsim::osa_distance(word, candidate);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        strsim::osa_distance(a, b)
    }

    #[test]
    fn distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("wrokers", "workers"), 1);
        assert_eq!(d("ca", "abc"), 3);
        assert_eq!(d("µs", "us"), 1);
    }

    #[test]
    fn suggests_transpositions_and_typos() {
        let keys = ["instances", "workers", "service_time", "calls", "sends"];
        assert_eq!(nearest("wrokers", keys), Some("workers"));
        assert_eq!(nearest("instnces", keys), Some("instances"));
        assert_eq!(nearest("servicetime", keys), Some("service_time"));
        assert_eq!(nearest("call", keys), Some("calls"));
        assert_eq!(nearest("workers", keys), Some("workers"));
    }

    #[test]
    fn never_suggests_the_empty_name() {
        assert_eq!(nearest("x", ["", "abcdef"]), None);
        assert_eq!(nearest("", [""]), None);
    }

    #[test]
    fn refuses_distant_words() {
        let keys = ["instances", "workers"];
        assert_eq!(nearest("banana", keys), None);
        assert_eq!(nearest("x", ["abcdef"]), None);
        assert_eq!(nearest("anything", std::iter::empty()), None);
    }

    #[test]
    fn limit_grows_with_length() {
        // 12 characters allow 4 edits; 6 characters allow only 2.
        assert_eq!(
            nearest("abcdefghijkl", ["abcdwxyzijkl"]),
            Some("abcdwxyzijkl")
        );
        assert_eq!(nearest("abcdef", ["abcxyz"]), None);
        assert_eq!(nearest("abcdef", ["abcdyz"]), Some("abcdyz"));
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(nearest("cat", ["bat", "hat", "cut"]), Some("bat"));
        assert_eq!(nearest("cat", ["hat", "bat"]), Some("hat"));
    }
}
