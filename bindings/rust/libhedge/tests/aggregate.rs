// aggregate_columns against a plain Rust loop, within the rounding bound of the C documentation
// (n * DBL_EPSILON * sum|x| per sum); and its refusals, which must leave the sums as they were.

use libhedge::*;

/// A small deterministic generator (64-bit LCG, Knuth's constants), so the tests need no crate.
struct Lcg(u64);

impl Lcg {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    /// Uniform in [0, 1).
    fn unif(&mut self) -> f64 {
        self.next_u64() as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % n as u64) as u32
    }
}

/// Figures of mixed sign and magnitude (1e-3 to 1e5), as quantity-weighted Greeks are.
fn figures(r: &mut Lcg, n: usize) -> Vec<f64> {
    (0..n).map(|_| (r.unif() - 0.5) * 10f64.powf(-3.0 + 8.0 * r.unif())).collect()
}

/// Runs one case and compares every sum with the plain loop's.
fn check_case(r: &mut Lcg, n: usize, n_buckets: u32, n_columns: usize, sorted: bool) {
    let mut buckets: Vec<u32> = (0..n).map(|_| r.below(n_buckets)).collect();
    if sorted {
        buckets.sort_unstable();
    }
    let cols: Vec<Vec<f64>> = (0..n_columns).map(|_| figures(r, n)).collect();
    let col_refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    // sums start non-zero: the kernel adds to them
    let start: Vec<f64> = (0..n_buckets as usize * n_columns).map(|i| i as f64 * 0.25 - 3.0).collect();
    let mut sums = start.clone();
    aggregate_columns(&buckets, &col_refs, &mut sums, n_buckets as usize).unwrap();

    let mut plain = start.clone();
    let mut abs = start.iter().map(|v| v.abs()).collect::<Vec<f64>>();
    for (i, &b) in buckets.iter().enumerate() {
        for (c, col) in cols.iter().enumerate() {
            plain[b as usize * n_columns + c] += col[i];
            abs[b as usize * n_columns + c] += col[i].abs();
        }
    }
    for j in 0..plain.len() {
        let bound = (n.max(1) as f64) * f64::EPSILON * abs[j];
        assert!((sums[j] - plain[j]).abs() <= bound,
                "n {} buckets {} columns {} sorted {}: sum {} is {}, the plain loop's {} (bound {})", n, n_buckets,
                n_columns, sorted, j, sums[j], plain[j], bound);
    }
}

#[test]
fn sums_match_a_plain_loop_within_the_documented_rounding() {
    let mut r = Lcg(0x5eed);
    // few and many buckets (the kernel accumulates up to 128 in a cache-resident block, more in place);
    // 1, 7 and 64 (the most) columns
    for &(n, nb) in &[(0usize, 4u32), (1, 1), (7, 3), (1000, 16), (20011, 128), (20011, 129), (5003, 1000)] {
        for &nc in &[1usize, 7, 64] {
            for &sorted in &[false, true] {
                check_case(&mut r, n, nb, nc, sorted);
            }
        }
    }
}

#[test]
fn feeding_in_slices_adds_up_to_one_call() {
    // The sums are running sums: two calls on the halves give what one call on the whole gives,
    // exactly when every figure is an integer (no rounding anywhere).
    let mut r = Lcg(7);
    let n = 4001;
    let buckets: Vec<u32> = (0..n).map(|_| r.below(5)).collect();
    let a: Vec<f64> = (0..n).map(|_| r.below(2001) as f64 - 1000.0).collect();
    let b: Vec<f64> = (0..n).map(|_| r.below(11) as f64).collect();
    let mut whole = vec![0.0; 10];
    aggregate_columns(&buckets, &[&a, &b], &mut whole, 5).unwrap();
    let mut halves = vec![0.0; 10];
    let h = n / 2;
    aggregate_columns(&buckets[..h], &[&a[..h], &b[..h]], &mut halves, 5).unwrap();
    aggregate_columns(&buckets[h..], &[&a[h..], &b[h..]], &mut halves, 5).unwrap();
    assert_eq!(whole, halves);
    // and the counts of column b's ones by bucket, by hand
    let mut expect = [0.0; 5];
    for i in 0..n {
        expect[buckets[i] as usize] += b[i];
    }
    for k in 0..5 {
        assert_eq!(whole[k * 2 + 1], expect[k]);
    }
}

#[test]
fn a_bucket_out_of_range_is_refused_and_changes_nothing() {
    let buckets = [0u32, 1, 2, 3, 1];
    let col = [1.0, 2.0, 3.0, 4.0, 5.0];
    let mut sums = vec![0.5, -1.5, 2.5, f64::MAX];
    let before = sums.clone();
    // bucket 3 with 3 buckets: the last id in range is 2
    let err = aggregate_columns(&buckets, &[&col], &mut sums[..3], 3).unwrap_err();
    assert_eq!(err.status(), Status::INVALID_ARG);
    assert!(err.message().contains("bucket 3"), "{}", err);
    assert_eq!(sums.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
               before.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    // the same call with room for bucket 3 succeeds: 0.5+1, -1.5+2+5, 2.5+3, MAX+4 (rounds to MAX)
    aggregate_columns(&buckets, &[&col], &mut sums, 4).unwrap();
    assert_eq!(sums, vec![1.5, 5.5, 5.5, f64::MAX]);
}

#[test]
fn mismatched_lengths_are_refused_before_the_library_is_called() {
    let buckets = [0u32, 1, 0];
    let long = [1.0, 2.0, 3.0];
    let short = [1.0, 2.0];
    let mut sums = vec![7.0; 4];
    let check_refused = |r: Result<()>, what: &str, sums: &[f64]| {
        let e = r.unwrap_err();
        assert_eq!(e.status(), Status::INVALID_ARG, "{}", what);
        assert!(e.message().starts_with("aggregate_columns:"), "{}: {}", what, e);
        assert_eq!(sums, &[7.0; 4][..], "{}", what);
    };
    // a column shorter than the ids
    let r = aggregate_columns(&buckets, &[&long, &short], &mut sums, 2);
    check_refused(r, "short column", &sums);
    // sums not n_buckets x n_columns (4 values for 2 x 1, and for 3 x 2)
    let r = aggregate_columns(&buckets, &[&long], &mut sums, 2);
    check_refused(r, "sums too long", &sums);
    let r = aggregate_columns(&buckets, &[&long, &long], &mut sums, 3);
    check_refused(r, "sums too short", &sums);
    // n_buckets * n_columns overflowing usize
    let r = aggregate_columns(&buckets, &[&long, &long], &mut sums, usize::MAX);
    check_refused(r, "overflow", &sums);
    // no columns, and more than 64
    let r = aggregate_columns(&buckets, &[], &mut sums, 2);
    check_refused(r, "no columns", &sums);
    let many: Vec<&[f64]> = vec![&long; AGGREGATE_MAX_COLUMNS + 1];
    let mut big = vec![7.0; 2 * (AGGREGATE_MAX_COLUMNS + 1)];
    let e = aggregate_columns(&buckets, &many, &mut big, 2).unwrap_err();
    assert_eq!(e.status(), Status::INVALID_ARG);
    assert!(big.iter().all(|&v| v == 7.0));
    // while exactly 64 columns are summed
    let mut ok = vec![0.0; 2 * AGGREGATE_MAX_COLUMNS];
    aggregate_columns(&buckets, &many[..AGGREGATE_MAX_COLUMNS], &mut ok, 2).unwrap();
    for c in 0..AGGREGATE_MAX_COLUMNS {
        assert_eq!((ok[c], ok[AGGREGATE_MAX_COLUMNS + c]), (4.0, 2.0));
    }
}
