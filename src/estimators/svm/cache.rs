//! libsvm's kernel cache (`Cache` in svm.cpp): kernel columns kept in a least-recently-used
//! list under a memory budget. A column is kept only as long as it was last asked for (the
//! active set, which shrinks), and grows when a longer one is asked for; the oldest columns
//! are dropped when the budget is exhausted. [`Cache::swap_index`] follows the solver's
//! permutation of the rows (shrinking moves inactive rows to the end).

/// The type of a cached kernel value. libsvm (and scikit-learn) store `f32`; we keep `f64`, so
/// the dual objective and the solution are those of the exact kernel (the tests check them
/// to 1e-9 against sums done by hand), at twice the memory per column.
pub type Qfloat = f64;

/// Index of the list's sentinel: `heads[l]`.
#[derive(Clone)]
struct Head {
    prev: usize,
    next: usize,
    /// The column's first `data.len()` entries (empty when not cached).
    data: Vec<Qfloat>,
}

pub struct Cache {
    /// Free room, in `Qfloat`s.
    room: usize,
    /// One head per column and, last, the sentinel of the circular LRU list (its `next` is
    /// the oldest column, its `prev` the newest).
    heads: Vec<Head>,
}

impl Cache {
    /// A cache for `l` columns within `bytes` (at least two full columns, as libsvm: the
    /// solver holds two at once).
    pub fn new(l: usize, bytes: usize) -> Self {
        let room = (bytes / std::mem::size_of::<Qfloat>()).max(2 * l);
        let mut heads = vec![
            Head {
                prev: l,
                next: l,
                data: Vec::new(),
            };
            l + 1
        ];
        heads[l].prev = l;
        heads[l].next = l;
        Self { room, heads }
    }

    fn sentinel(&self) -> usize {
        self.heads.len() - 1
    }

    fn lru_delete(&mut self, h: usize) {
        let (p, n) = (self.heads[h].prev, self.heads[h].next);
        self.heads[p].next = n;
        self.heads[n].prev = p;
    }

    fn lru_insert(&mut self, h: usize) {
        let s = self.sentinel();
        let last = self.heads[s].prev;
        self.heads[h].next = s;
        self.heads[h].prev = last;
        self.heads[last].next = h;
        self.heads[s].prev = h;
    }

    /// Drop column `h` (in the list) and give its room back; its buffer is returned, for
    /// reuse.
    fn evict(&mut self, h: usize) -> Vec<Qfloat> {
        self.lru_delete(h);
        self.room += self.heads[h].data.len();
        std::mem::take(&mut self.heads[h].data)
    }

    /// Make column `index` at least `len` long and the most recent. Returns how many entries
    /// were there already: the caller computes `start..len`, in [`Self::data_mut`].
    pub fn prepare(&mut self, index: usize, len: usize) -> usize {
        let have = self.heads[index].data.len();
        if have > 0 {
            self.lru_delete(index);
        }
        if len > have {
            let more = len - have;
            // A buffer freed to make room is reused for a new column: memory the process
            // already has costs no page faults (fresh memory does, and they were a fifth of
            // the time of a large fit).
            let mut spare: Option<Vec<Qfloat>> = None;
            while self.room < more {
                let old = self.heads[self.sentinel()].next;
                if old == self.sentinel() {
                    break; // nothing left to free (cannot happen: room ≥ 2l)
                }
                let buf = self.evict(old);
                if have == 0 && buf.capacity() >= len && spare.is_none() {
                    spare = Some(buf);
                }
            }
            self.room = self.room.saturating_sub(more);
            let data = &mut self.heads[index].data;
            match spare {
                Some(mut buf) => {
                    buf.clear();
                    buf.resize(len, 0.0);
                    *data = buf;
                }
                // Zeroed by the allocator (fresh pages come zeroed: no pass of our own).
                None if have == 0 => *data = vec![0.0; len],
                None => data.resize(len, 0.0),
            }
        }
        self.lru_insert(index);
        have
    }

    pub fn data_mut(&mut self, index: usize) -> &mut [Qfloat] {
        &mut self.heads[index].data
    }

    /// The first `len` entries of column `index`, prepared before.
    pub fn data(&self, index: usize, len: usize) -> &[Qfloat] {
        &self.heads[index].data[..len]
    }

    /// Rows `i` and `j` of the problem trade places: swap the two columns and, in every
    /// cached column, the two entries (a column too short to hold both is dropped).
    pub fn swap_index(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        if !self.heads[i].data.is_empty() {
            self.lru_delete(i);
        }
        if !self.heads[j].data.is_empty() {
            self.lru_delete(j);
        }
        let di = std::mem::take(&mut self.heads[i].data);
        let dj = std::mem::replace(&mut self.heads[j].data, di);
        self.heads[i].data = dj;
        if !self.heads[i].data.is_empty() {
            self.lru_insert(i);
        }
        if !self.heads[j].data.is_empty() {
            self.lru_insert(j);
        }
        let (lo, hi) = if i < j { (i, j) } else { (j, i) };
        let s = self.sentinel();
        let mut h = self.heads[s].next;
        while h != s {
            let next = self.heads[h].next;
            let len = self.heads[h].data.len();
            if len > lo {
                if len > hi {
                    self.heads[h].data.swap(lo, hi);
                } else {
                    self.evict(h);
                }
            }
            h = next;
        }
    }

    /// Bytes held by cached columns (for tests).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.heads.iter().map(|h| h.data.len()).sum::<usize>() * std::mem::size_of::<Qfloat>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_column_goes_first_and_the_budget_holds() {
        // 4 columns of 4, room for 8 floats (= 2 columns, the minimum).
        let mut c = Cache::new(4, 8 * std::mem::size_of::<Qfloat>());
        assert_eq!(c.prepare(0, 4), 0);
        c.data_mut(0).fill(1.0);
        assert_eq!(c.prepare(1, 4), 0);
        c.data_mut(1).fill(2.0);
        // 0 used again: 1 is now the oldest and is dropped for 2.
        assert_eq!(c.prepare(0, 4), 4);
        assert_eq!(c.prepare(2, 4), 0);
        assert_eq!(c.prepare(1, 4), 0, "1 was evicted");
        assert!(c.held() <= 8 * std::mem::size_of::<Qfloat>());
        // 2 was older than 1 and 0 was dropped for 1: 2 is still there.
        assert_eq!(c.prepare(2, 4), 4);
    }

    #[test]
    fn a_column_grows_and_swaps_follow_the_rows() {
        let mut c = Cache::new(4, 1 << 20);
        assert_eq!(c.prepare(0, 2), 0);
        c.data_mut(0).copy_from_slice(&[10.0, 11.0]);
        assert_eq!(c.prepare(0, 4), 2);
        c.data_mut(0)[2..].copy_from_slice(&[12.0, 13.0]);
        assert_eq!(c.data(0, 4), &[10.0, 11.0, 12.0, 13.0]);
        c.prepare(3, 2);
        c.data_mut(3).copy_from_slice(&[30.0, 31.0]);
        // Rows 1 and 3 trade places: column 0's entries swap; column 3 becomes column 1; a
        // column of length 2 (now column 1) cannot hold index 3 and is dropped.
        c.swap_index(1, 3);
        assert_eq!(c.data(0, 4), &[10.0, 13.0, 12.0, 11.0]);
        assert_eq!(c.prepare(1, 2), 0);
        assert_eq!(c.prepare(3, 1), 0);
    }
}
