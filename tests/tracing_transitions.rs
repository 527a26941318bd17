//! With the `tracing` feature, every state transition of a lowered function
//! is an event on target `longhand::state`
//! (`cargo test --features tracing --test tracing_transitions`).

use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "longhand::state" {
            return;
        }
        let mut f = Fields(Vec::new());
        event.record(&mut f);
        let get = |k: &str| {
            f.0.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        self.0.lock().unwrap().push(format!(
            "{} {}->{} [{}] poll {}",
            get("function"),
            get("from"),
            get("to"),
            get("awaited"),
            get("poll")
        ));
    }
}

/// Pending once, then ready.
struct YieldOnce(bool);
impl std::future::Future for YieldOnce {
    type Output = u32;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<u32> {
        if self.0 {
            std::task::Poll::Ready(1)
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

#[longhand::desugar]
async fn two_steps() -> u32 {
    let a = YieldOnce(false).await;
    let b = std::future::ready(2).await;
    a + b
}

#[test]
fn every_transition_is_an_event() {
    let rec = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(rec.clone());
    let out =
        tracing::subscriber::with_default(subscriber, || futures::executor::block_on(two_steps()));
    assert_eq!(out, 3);
    let events = rec.0.lock().unwrap().clone();
    assert_eq!(
        events,
        vec![
            "two_steps Unresumed->Suspend0 [YieldOnce(false).await] poll 1",
            "two_steps Suspend0->Suspend0 [YieldOnce(false).await] poll 1",
            "two_steps Suspend0->Suspend1 [std::future::ready(2).await] poll 2",
            "two_steps Suspend1->Returned [] poll 2",
        ]
    );
}
