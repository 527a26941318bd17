//! Where the `async fn` lives and what its signature looks like: free
//! functions, methods on every receiver, trait impls, generics, lifetimes,
//! `impl Trait` arguments, pattern parameters, unit return.

use crate::harness::*;

differential! {
    /// Inherent method taking `&self`.
    name: method_ref_self,
    items: {
        struct Counter { n: u32, _d: D }
        impl Counter {
            #[lh] async fn get(&self, extra: u32) -> u32 {
                let v = pend(1, self.n).await;
                log("got");
                v + pend(1, extra).await
            }
        }
    },
    run: async {
        let c = Counter { n: 5, _d: D::new("counter") };
        let a = c.get(1).await;
        let b = c.get(2).await;
        (a, b)
    },
}

differential! {
    /// Inherent method taking `&mut self`.
    name: method_mut_self,
    items: {
        struct Counter { n: u32 }
        impl Counter {
            #[lh] async fn bump(&mut self, by: u32) -> u32 {
                let _d = D::new("bump");
                self.n += pend(1, by).await;
                self.n *= pend(0, 2).await;
                self.n
            }
        }
    },
    run: async {
        let mut c = Counter { n: 1 };
        let a = c.bump(3).await;
        (a, c.bump(1).await, c.n)
    },
}

differential! {
    /// Inherent method taking `self` by value (fields dropped in native order).
    name: method_by_value_self,
    items: {
        struct Pair { first: D, _second: D, n: u32 }
        impl Pair {
            #[lh] async fn into_total(self, extra: D) -> usize {
                pend(1, ()).await;
                let n = self.first.touch() + extra.touch();
                pend(1, ()).await;
                n + self.n as usize
            }
        }
    },
    run: Pair { first: D::new("first"), _second: D::new("second"), n: 3 }.into_total(D::new("extra")),
}

differential! {
    /// A method in a trait impl, for a trait declaring
    /// `fn m(&self) -> impl Future<Output = u32>`, called directly and
    /// through a generic function.
    name: trait_impl_method,
    items: {
        use std::future::Future;
        trait Source {
            fn m(&self) -> impl Future<Output = u32>;
        }
        struct Fixed(u32);
        impl Source for Fixed {
            #[lh] async fn m(&self) -> u32 {
                log(format!("m {}", self.0));
                pend(1, self.0).await + 1
            }
        }
        #[lh] async fn twice<S: Source>(s: &S) -> u32 {
            s.m().await + s.m().await
        }
    },
    run: async {
        let f = Fixed(4);
        (f.m().await, twice(&f).await)
    },
}

differential! {
    /// `Self` used in the body and an associated async fn without receiver.
    name: self_type_in_body,
    items: {
        #[derive(Debug)]
        struct Node { v: u32 }
        impl Node {
            #[lh] async fn make(v: u32) -> Self {
                let n: Self = Self { v: pend(1, v).await };
                pend(1, ()).await;
                n
            }
            #[lh] async fn sum(&self) -> u32 {
                let other: Self = Self::make(self.v * 10).await;
                let more = Node::make(1).await;
                self.v + other.v + more.v
            }
        }
    },
    run: async {
        let n = Node::make(2).await;
        n.sum().await
    },
}

differential! {
    /// Generics with bounds in the parameter list, a value of type `T` stored
    /// across awaits, and a typed local `Vec<T>`.
    name: generic_with_bounds,
    items: {
        #[lh] async fn sum_all<T: Copy + Into<u64> + std::fmt::Debug>(xs: Vec<T>, first: T) -> u64 {
            let mut acc: Vec<T> = Vec::new();
            let mut total: u64 = first.into();
            for x in xs {
                acc.push(pend(1, x).await);
                total += x.into();
            }
            log(format!("{acc:?} then {first:?}"));
            total
        }
    },
    run: async { (sum_all(vec![1u8, 2, 3], 10u8).await, sum_all(vec![7u32], 1u32).await) },
}

differential! {
    /// A `where` clause, and a generic value dropped across an await.
    name: where_clause,
    items: {
        #[lh] async fn show<T, U>(x: T, u: U) -> String
        where
            T: std::fmt::Debug + Clone,
            U: Into<String>,
        {
            let copy = x.clone();
            pend(1, ()).await;
            let s: String = u.into();
            pend(1, format!("{s}: {copy:?} / {x:?}")).await
        }
    },
    run: async { (show(3u8, "n").await, show((D::new("t"), 1).1, String::from("m")).await) },
}

differential! {
    /// Explicit lifetimes: input and output borrow the same string.
    name: lifetime_params,
    items: {
        #[allow(clippy::needless_lifetimes)] // explicit on purpose: the case is about lifetimes
        #[lh] async fn first_word<'a>(x: &'a str) -> &'a str {
            pend(1, ()).await;
            x.split(' ').next().unwrap_or("")
        }
        #[lh] async fn longer<'a, 'b: 'a>(a: &'a str, b: &'b str) -> &'a str {
            let la = pend(1, a.len()).await;
            if la >= b.len() { a } else { b }
        }
    },
    run: async {
        let s = String::from("hello world");
        let t = String::from("hi");
        let w = first_word(&s).await;
        (w.to_string(), longer(&t, w).await.to_string())
    },
}

differential! {
    /// `impl Trait` arguments.
    name: impl_trait_args,
    items: {
        #[lh] async fn f(x: impl Into<u32>, items: impl IntoIterator<Item = u32>, d: impl AsRef<str>) -> u32 {
            let x: u32 = x.into();
            let mut t = pend(1, x).await;
            for i in items {
                t += pend(1, i).await;
            }
            t + d.as_ref().len() as u32
        }
    },
    run: async { f(3u8, vec![1, 2], "abc").await + f(1u16, 0..2, String::from("z")).await },
}

differential! {
    /// Pattern parameters: `(a, b): (u32, u32)`, `mut x`, `_: D`, and a struct
    /// pattern.
    name: pattern_params,
    items: {
        struct Pt { x: u32, y: u32 }
        #[lh] async fn f((a, b): (u32, u32), mut x: u32, _: D, Pt { x: px, y: py }: Pt) -> u32 {
            x += pend(1, a).await;
            let _l = D::new("local");
            x += pend(1, b).await;
            x * 100 + px * 10 + py
        }
    },
    run: f((1, 2), 3, D::new("ignored"), Pt { x: 4, y: 5 }),
}

differential! {
    /// Unit return: explicit `()` output, `return;`, and a body that ends in a
    /// statement.
    name: unit_return,
    items: {
        #[lh] async fn f(d: D, early: bool) {
            pend(1, ()).await;
            if early {
                log("early");
                return;
            }
            d.touch();
            pend(1, ()).await;
        }
        #[lh] async fn g() -> () {
            pend(1, ()).await
        }
    },
    run: async { (f(D::new("a"), true).await, f(D::new("b"), false).await, g().await) },
}

differential! {
    /// A method of a generic impl (`impl<T: Debug> Wrapper<T>`).
    name: generic_impl_method,
    items: {
        struct Wrapper<T> { inner: T, tag: D }
        impl<T: std::fmt::Debug + Clone> Wrapper<T> {
            #[lh] async fn show(&self, times: usize) -> String {
                let mut out = String::new();
                for _ in 0..times {
                    let v: T = pend(1, self.inner.clone()).await;
                    out.push_str(&format!("{v:?};"));
                }
                self.tag.touch();
                out
            }
        }
    },
    run: async {
        let w = Wrapper { inner: (1, "x"), tag: D::new("tag") };
        w.show(2).await
    },
}

differential! {
    /// Const generics and an array parameter.
    name: const_generic,
    items: {
        #[lh] async fn f<const N: usize>(xs: [u32; N]) -> u32 {
            let mut t = 0;
            for x in xs {
                t += pend(1, x).await;
            }
            t * N as u32
        }
    },
    run: async { (f([1, 2, 3]).await, f([]).await) },
}

differential! {
    /// A free function calling an `#[lh]` free function and method in turn.
    name: calls_between_lowered_fns,
    items: {
        struct S(u32);
        impl S {
            #[lh] async fn get(&self) -> u32 { pend(1, self.0).await }
        }
        #[lh] async fn add(a: u32, b: u32) -> u32 { pend(1, a + b).await }
        #[lh] async fn f() -> u32 {
            let s = S(2);
            add(s.get().await, add(1, 1).await).await
        }
    },
    run: f(),
}

differential! {
    /// Names that collide with the expansion's own: raw identifiers
    /// (`r#type`, `r#match`, kept across an await), locals named `this`
    /// and `taken` (the state's helper functions use those words), and a
    /// type named like the state enum (`enum ConnectState` next to `async
    /// fn connect`, used in its body).
    name: names_that_collide_with_the_expansion,
    items: {
        #[derive(Clone, Copy)]
        enum ConnectState {
            Idle,
            Open(u32),
        }
        #[lh] async fn connect(r#type: u32, this: u32) -> u32 {
            let r#match = D::new("match");
            let taken = D::new("taken");
            let s = if this > 0 { ConnectState::Open(this) } else { ConnectState::Idle };
            pend(1, ()).await;
            let n = match s {
                ConnectState::Open(n) => n,
                ConnectState::Idle => 0,
            };
            r#type + n + (r#match.touch() + taken.touch()) as u32
        }
    },
    run: async { (connect(1, 2).await, connect(3, 0).await) },
}
