//! Macros in the body: locals that are pinned or kept, named in a macro's
//! arguments (statement and expression position); `?` inside a macro's
//! argument; `join!`, which awaits inside its own expansion.

use crate::harness::*;

differential! {
    /// A pinned parameter and a kept local named in macro arguments, in
    /// statement position (`assert!(..);`) and inside expressions, with the
    /// repeat form `vec![x; n]`.
    name: pinned_local_in_macro_arguments,
    items: {
        #[lh] async fn f(list: Vec<u32>) -> Vec<u32> {
            let mut n = 0;
            for x in list.iter() {
                n += pend(1, *x).await;
                log(format!("{} of {} seen, sum {}", x, list.len(), n));
                assert!(n >= *x, "sum {} below {}", n, x);
            }
            vec![n; list.len()]
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `?` inside a macro argument leaves the function with the error,
    /// dropping what is alive, and completes the future.
    name: question_mark_in_macro_argument,
    items: {
        fn parse(s: &str) -> Result<u32, String> {
            s.parse::<u32>().map_err(|e| format!("{s}: {e}"))
        }
        #[lh] async fn f(input: &'static str) -> Result<String, String> {
            let _guard = D::new("guard");
            let n = pend(1, 2).await;
            let s = format!("{} and {}", n, parse(input)?);
            pend(1, ()).await;
            Ok(s)
        }
    },
    run: async { (f("7").await, f("x").await) },
}

differential! {
    /// `longhand::join!` awaits two futures concurrently, one of which
    /// borrows a local; as a statement and as a `let` initializer.
    name: join_macro,
    items: {
        async fn push(buf: &mut Vec<u32>, n: u32) -> usize {
            pend(n, ()).await;
            buf.push(n);
            buf.len()
        }
        #[lh] async fn f() -> (usize, u32, Vec<u32>) {
            let _before = D::new("before");
            let mut buf = vec![];
            let (len, v) = longhand::join!(push(&mut buf, 2), pend(1, val("v", 5)));
            longhand::join!(pend(2, ()), pend(1, ()));
            let _after = D::new("after");
            (len, v, buf)
        }
    },
    run: f(),
}

differential! {
    /// Macros whose arguments are not expressions (`fields!(?list)`, in the
    /// style of `tracing`'s `info!(?list)` or `json!`), naming locals that
    /// the lowering moves away from their name: one pinned in its slot (in
    /// an expression, a statement and a closure), one shadowed while alive
    /// (renamed), one kept next to the awaitee that reads it. The macro sees
    /// each under its own name, with the same value.
    name: locals_in_unreadable_macro_arguments,
    items: {
        macro_rules! fields {
            ($(? $name:ident),* $(; $label:literal)?) => {{
                let line = vec![$(format!("{} = {:?}", stringify!($name), $name)),*].join(", ");
                log(format!("{}{}", line, concat!("" $(, $label)?)));
                line.len()
            }};
        }
        macro_rules! note {
            ($($t:tt)*) => { let _ = fields!($($t)*); };
        }
        macro_rules! pick {
            (@ $name:ident) => { &$name };
        }
        fn call(f: impl Fn() -> usize) -> usize {
            f()
        }
        async fn peek(v: &[u32]) -> usize {
            pend(1, ()).await;
            v.len()
        }
        #[lh] async fn f(list: Vec<u32>) -> usize {
            let mut n = 0;
            for x in list.iter() {
                n += fields!(?list, ?x; " (in the loop)");
                note!(?n);
                n += call(|| fields!(?list));
                n += pend(1, *x as usize).await;
            }
            let data = D::new("data");
            n += fields!(?data);
            let data = data.touch();
            let kept = vec![n as u32, 1];
            let k = peek(pick!(@kept)).await;
            note!(?data, ?kept);
            n + k + data
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// `join!` and `try_join!` (longhand's and futures') at the top of a loop
    /// whose iterations await, and after an `if` that awaits on one branch:
    /// code written out once per path that reaches it.
    name: joins_in_loops,
    items: {
        async fn step(name: &'static str, n: u32) -> u32 {
            let _d = D::new(name);
            pend(n % 3, n).await
        }
        async fn checked(n: u32) -> Result<u32, String> {
            let k = pend(1, n).await;
            if k == 4 { Err(format!("{k} refused")) } else { Ok(k) }
        }
        #[lh] async fn f(items: Vec<u32>) -> Result<u32, String> {
            let mut total = 0;
            for n in items {
                let (a, b) = longhand::join!(step("a", n), step("b", n + 1));
                let (c, d) = futures::join!(step("c", n), pend(1, 1));
                if n % 2 == 0 {
                    total += pend(1, n).await;
                }
                let (e, g) = futures::try_join!(checked(n), checked(n + 1))?;
                total += a + b + c + d + e + g;
            }
            Ok(total)
        }
    },
    run: async { (f(vec![1, 2]).await, f(vec![0, 3, 5]).await) },
}

differential! {
    /// A loop whose only `.await` is inside a macro's arguments: the loop
    /// suspends, so its iterator (over a borrowed field here) is kept like
    /// any other loop's.
    name: loop_awaiting_only_inside_a_macro,
    items: {
        struct Cache {
            entries: Vec<(u32, D)>,
        }
        impl Cache {
            #[lh] async fn report(&self, keys: &[u32]) -> Vec<String> {
                let mut out = vec![];
                for (k, d) in &self.entries {
                    if keys.contains(k) {
                        out.push(format!("{k}:{}:{}", pend(1, *k * 10).await, d.touch()));
                    }
                }
                let mut total = 0;
                for k in keys.iter().copied() {
                    total += vec![pend(1, k).await; 2].len();
                }
                out.push(total.to_string());
                out
            }
        }
        #[lh] async fn f() -> Vec<String> {
            let c = Cache { entries: vec![(1, D::new("one")), (2, D::new("two")), (3, D::new("three"))] };
            c.report(&[1, 3]).await
        }
    },
    run: f(),
}

differential! {
    /// A local `macro_rules!` that passes a string on to `format!`: the
    /// local the string captures (`{x}`) is read there, after the await,
    /// so it is kept.
    name: string_capture_in_a_user_macro,
    items: {
        macro_rules! note {
            ($($t:tt)*) => { log(format!($($t)*)) };
        }
        #[lh] async fn f(x: u32) -> u32 {
            let y = x + 1;
            pend(1, y).await;
            note!("added {y}");
            y
        }
    },
    run: f(4),
}

differential! {
    /// anyhow's `ensure!` (with and without a message, its condition
    /// awaiting) and `bail!` (as a statement and in a `match` arm), which
    /// return from the function inside their expansions; the error's text
    /// (anyhow's own "Condition failed" message included) is compared.
    name: anyhow_bail_and_ensure,
    items: {
        use anyhow::{bail, ensure};
        #[lh] async fn check(n: u32) -> anyhow::Result<u32> {
            let _c = D::new("check");
            ensure!(pend(1, n).await > 0, "zero after {} polls", 1);
            let kept = D::new("kept");
            let m = match pend(1, n * 2).await {
                m if m < 10 => m,
                m => bail!("too big: {m} ({})", kept.touch()),
            };
            ensure!(m != 4);
            if m == 6 {
                anyhow::bail!("six");
            }
            Ok(m + pend(1, kept.touch() as u32).await)
        }
    },
    run: async {
        let mut out = Vec::new();
        for n in [0, 1, 2, 3, 7] {
            out.push(check(n).await.map_err(|e| e.to_string()));
        }
        out
    },
}

differential! {
    /// `bail!` in an arm of a `match` whose scrutinee suspends twice, so
    /// that the arms are reached from two states and a closure (the one
    /// longhand runs `bail!` in) gets a join point before it.
    name: anyhow_bail_after_a_scrutinee_that_suspends_twice,
    items: {
        use anyhow::bail;
        #[lh] async fn check(n: u32) -> anyhow::Result<u32> {
            let kept = D::new("kept");
            let m = match pend(1, n).await + pend(1, n).await {
                m if m < 10 => m,
                m => bail!("too big: {m} ({})", kept.touch()),
            };
            Ok(m + kept.touch() as u32)
        }
    },
    run: async {
        let mut out = Vec::new();
        for n in [1, 7] {
            out.push(check(n).await.map_err(|e| e.to_string()));
        }
        out
    },
}

differential! {
    /// A failing `assert!` quotes its condition as written, whatever the
    /// lowering did to the names in it (a kept reference, a pinned local):
    /// conditions with braces, closures, a trailing comma, several lines
    /// and `matches!`. (Quoted from the source: unformatted spacing such as
    /// `n+1` would show as written, where `stringify!` prints `n + 1`.)
    name: assert_message_quotes_the_condition,
    items: {
        struct S { a: u32, b: Vec<u32> }
        #[lh] async fn f(which: u32) -> u32 {
            let s = S { a: 1, b: vec![1, 2] };
            let first = &s.b[0];
            let mut it = s.b.iter();
            pend(1, ()).await;
            let n = *it.next().unwrap();
            pend(1, ()).await;
            match which {
                0 => assert!(matches!(s, S { a: 2, .. })),
                1 => assert!(s.b.iter().any(|x| { *x > 3 })),
                2 => assert!(n + *first == 7,),
                3 => assert!(
                    s.b.len() > 2
                        || n == 0
                ),
                _ => debug_assert!(it.len() > 5 && s.a < 10),
            }
            n
        }
    },
    run: async {
        let mut out = Vec::new();
        for which in 0..5 {
            let r = std::panic::AssertUnwindSafe(f(which));
            out.push(futures::FutureExt::catch_unwind(r).await.map_err(|e| {
                e.downcast_ref::<&str>().map(|s| s.to_string()).unwrap_or_else(|| "not a &str".into())
            }));
        }
        out
    },
}

differential! {
    /// Locals a statement macro declares (s10-5): two `D`s bound by a
    /// user's `bind2!`, both kept across awaits, dropped at the end of the
    /// function in reverse order, or by the future's drop after any number of
    /// polls; a third declared `mut` by the macro and mutated after an await.
    name: macro_declared_locals_kept_and_dropped_in_order,
    items: {
        macro_rules! bind2 {
            ($a:ident, $b:ident) => {
                let $a = D::new("first");
                let $b = D::new("second");
            };
        }
        macro_rules! counter {
            ($c:ident) => {
                let mut $c = 0u32;
            };
        }
        #[lh] async fn f(n: u32) -> usize {
            let before = D::new("before");
            bind2!(one, two);
            counter!(hits);
            pend(1, ()).await;
            hits += one.touch() as u32;
            let after = D::new("after");
            pend(n, ()).await;
            hits += n;
            two.touch() + hits as usize + before.touch() + after.touch()
        }
    },
    run: f(2),
}

differential! {
    /// A `macro_rules!` defined in the body that declares a local, the local
    /// moved away after an await, and another await before the end: the
    /// moved local is not kept (its drop shows where `consume` drops it).
    name: body_macro_declares_local_moved_after_await,
    items: {
        fn consume(d: D) -> usize {
            d.touch()
        }
        #[lh] async fn f() -> usize {
            macro_rules! make { ($n:ident, $s:literal) => { let $n = D::new($s); }; }
            make!(token, "token");
            pend(1, ()).await;
            let used = consume(token);
            pend(1, ()).await;
            used
        }
    },
    run: f(),
}

differential! {
    /// A macro that names a function (lower case, as functions are) which the
    /// body calls again after an await: rebinding it as a local is harmless.
    name: macro_naming_a_function_called_after_await,
    items: {
        fn helper(x: u32) -> u32 {
            x * 3
        }
        macro_rules! call_twice { ($f:ident, $x:expr) => { log(format!("{}", $f($x) + $f($x))); }; }
        #[lh] async fn f() -> u32 {
            call_twice!(helper, 2);
            pend(1, ()).await;
            helper(5)
        }
    },
    run: f(),
}
