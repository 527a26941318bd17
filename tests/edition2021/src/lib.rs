//! longhand in an edition-2021 crate, where `impl Trait` in return position
//! captures fewer lifetimes than in 2024: lowered methods, borrowed
//! arguments and outputs, and generators must still compile and run.

#[cfg(test)]
mod tests {
    struct Db {
        rows: Vec<u32>,
    }

    impl Db {
        #[longhand::desugar]
        async fn get(&self, i: usize) -> u32 {
            futures::future::ready(self.rows[i]).await
        }
    }

    #[longhand::desugar]
    async fn total(db: &Db, ids: Vec<usize>) -> u32 {
        let mut t = 0;
        for i in ids {
            t += db.get(i).await;
        }
        t
    }

    #[longhand::desugar]
    async fn first_word(s: &str) -> &str {
        futures::future::ready(()).await;
        s.split(' ').next().unwrap_or("")
    }

    #[longhand::generator]
    fn evens(v: &[u32]) -> impl Iterator<Item = u32> + '_ {
        for x in v.iter() {
            if x % 2 == 0 {
                longhand::yield_!(*x);
            }
        }
    }

    /// A generic function that borrows its own local across an await.
    #[longhand::desugar]
    async fn shown<T: std::fmt::Debug>(items: Vec<T>, sep: &str) -> String {
        let mut out = String::new();
        for it in items.iter() {
            out += &futures::future::ready(format!("{it:?}{sep}")).await;
        }
        out
    }

    /// Two input lifetimes: the value kept across the await may borrow
    /// from either (it gets the hidden borrow lifetime).
    #[longhand::desugar]
    async fn either(a: &str, b: &str, first: bool) -> usize {
        let cur = if first { a } else { b };
        futures::future::ready(()).await;
        cur.len()
    }

    /// Two named lifetimes, the output borrowing one of them.
    #[longhand::desugar]
    async fn head<'a, 'b>(a: &'a str, b: &'b str) -> &'a str {
        let n = b.len();
        futures::future::ready(()).await;
        &a[..n.min(a.len())]
    }

    #[test]
    fn lowered_code_works_in_edition_2021() {
        assert_eq!(futures::executor::block_on(either("abc", "de", true)), 3);
        assert_eq!(futures::executor::block_on(either("abc", "de", false)), 2);
        assert_eq!(futures::executor::block_on(head("hello", "ab")), "he");
        assert_eq!(futures::executor::block_on(shown(vec![1, 2], ",")), "1,2,");
        let db = Db {
            rows: vec![1, 2, 3],
        };
        assert_eq!(futures::executor::block_on(total(&db, vec![0, 1, 2])), 6);
        assert_eq!(
            futures::executor::block_on(first_word("hello world")),
            "hello"
        );
        assert_eq!(evens(&[1, 2, 3, 4]).collect::<Vec<_>>(), [2, 4]);
    }
}
