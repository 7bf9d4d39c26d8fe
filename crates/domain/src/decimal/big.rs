//! A minimal unsigned big integer: just what exact growth rates need (products of n-th powers,
//! division with rounding, integer n-th roots). Little-endian `u32` limbs, no trailing zero limbs.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Big(Vec<u32>);

impl Big {
    pub fn zero() -> Big {
        Big(Vec::new())
    }

    pub fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn trimmed(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 32) | u128::from(l)),
        )
    }

    pub fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let s = u64::from(*self.0.get(i).unwrap_or(&0))
                + u64::from(*o.0.get(i).unwrap_or(&0))
                + carry;
            out.push(s as u32);
            carry = s >> 32;
        }
        out.push(carry as u32);
        Big(out).trimmed()
    }

    /// `self − o`, or `None` when `o` is larger.
    pub fn checked_sub(&self, o: &Big) -> Option<Big> {
        if *self < *o {
            return None;
        }
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut d = i64::from(self.0[i]) - i64::from(*o.0.get(i).unwrap_or(&0)) - borrow;
            borrow = 0;
            if d < 0 {
                d += 1 << 32;
                borrow = 1;
            }
            out.push(d as u32);
        }
        Some(Big(out).trimmed())
    }

    pub fn mul(&self, o: &Big) -> Big {
        if self.is_zero() || o.is_zero() {
            return Big::zero();
        }
        let mut out = vec![0u32; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.0.iter().enumerate() {
                let t = u64::from(a) * u64::from(b) + u64::from(out[i + j]) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            out[i + o.0.len()] = carry as u32;
        }
        Big(out).trimmed()
    }

    pub fn pow(&self, mut n: u32) -> Big {
        let mut base = self.clone();
        let mut acc = Big::from_u128(1);
        while n > 0 {
            if n & 1 == 1 {
                acc = acc.mul(&base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base);
            }
        }
        acc
    }

    fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(top) => (self.0.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros()),
        }
    }

    fn bit(&self, i: u64) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    fn with_bit(&self, i: u64) -> Big {
        let mut limbs = self.0.clone();
        let at = (i / 32) as usize;
        if limbs.len() <= at {
            limbs.resize(at + 1, 0);
        }
        limbs[at] |= 1 << (i % 32);
        Big(limbs)
    }

    /// Quotient and remainder; `None` when dividing by zero. Bit by bit: the operands here are
    /// a few hundred bits at most.
    pub fn div_rem(&self, d: &Big) -> Option<(Big, Big)> {
        if d.is_zero() {
            return None;
        }
        let mut q = Big::zero();
        let mut r = Big::zero();
        for i in (0..self.bits()).rev() {
            r = r.add(&r);
            if self.bit(i) {
                r = r.add(&Big::from_u128(1));
            }
            if r >= *d {
                r = r.checked_sub(d).expect("r ≥ d");
                q = q.with_bit(i);
            }
        }
        Some((q, r))
    }

    /// `self / d` rounded half up; `None` when dividing by zero.
    pub fn div_round_half_up(&self, d: &Big) -> Option<Big> {
        let two = Big::from_u128(2);
        let (q, _) = self.mul(&two).add(d).div_rem(&d.mul(&two))?;
        Some(q)
    }

    /// `⌈self / d⌉`; `None` when dividing by zero.
    pub fn div_ceil(&self, d: &Big) -> Option<Big> {
        let (q, r) = self.div_rem(d)?;
        Some(if r.is_zero() {
            q
        } else {
            q.add(&Big::from_u128(1))
        })
    }

    /// `⌊self^(1/n)⌋` for n ≥ 1, found bit by bit from the top with exact comparisons.
    pub fn nth_root_floor(&self, n: u32) -> Big {
        if n <= 1 || self.is_zero() {
            return self.clone();
        }
        let root_bits = self.bits() / u64::from(n) + 1;
        let mut root = Big::zero();
        for i in (0..root_bits).rev() {
            let candidate = root.with_bit(i);
            if candidate.pow(n) <= *self {
                root = candidate;
            }
        }
        root
    }

    /// `⌈self^(1/n)⌉` for n ≥ 1.
    pub fn nth_root_ceil(&self, n: u32) -> Big {
        let floor = self.nth_root_floor(n);
        if floor.pow(n.max(1)) == *self {
            floor
        } else {
            floor.add(&Big::from_u128(1))
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, o: &Big) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Big {
    fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(v: u128) -> Big {
        Big::from_u128(v)
    }

    #[test]
    fn roots_and_division_at_exact_powers() {
        assert_eq!(b(27).nth_root_floor(3), b(3));
        assert_eq!(b(26).nth_root_floor(3), b(2));
        assert_eq!(b(26).nth_root_ceil(3), b(3));
        assert_eq!(b(27).nth_root_ceil(3), b(3));
        assert_eq!(b(0).nth_root_ceil(3), b(0));
        // 20000^10 does not fit in u128: the root comes back exactly.
        assert_eq!(b(20_000).pow(10).nth_root_floor(10), b(20_000));
        assert_eq!(b(7).div_round_half_up(&b(2)), Some(b(4)));
        assert_eq!(b(5).div_round_half_up(&b(4)), Some(b(1)));
        assert_eq!(b(1).div_rem(&Big::zero()), None);
        assert_eq!(b(3).checked_sub(&b(4)), None);
    }

    proptest! {
        #[test]
        fn arithmetic_matches_u128(x in any::<u64>(), y in 1..u64::MAX) {
            let (x, y) = (u128::from(x), u128::from(y));
            prop_assert_eq!(b(x).mul(&b(y)).to_u128(), Some(x * y));
            prop_assert_eq!(b(x).add(&b(y)).to_u128(), Some(x + y));
            let (q, r) = b(x).div_rem(&b(y)).unwrap();
            prop_assert_eq!((q.to_u128(), r.to_u128()), (Some(x / y), Some(x % y)));
            prop_assert_eq!(b(x).cmp(&b(y)), x.cmp(&y));
            prop_assert_eq!(b(x.max(y)).checked_sub(&b(x.min(y))).unwrap().to_u128(), Some(x.max(y) - x.min(y)));
        }

        #[test]
        fn nth_root_floor_brackets(x in any::<u128>(), n in 1u32..8) {
            let r = b(x).nth_root_floor(n);
            prop_assert!(r.pow(n) <= b(x));
            prop_assert!(r.add(&b(1)).pow(n) > b(x));
        }
    }
}
