//! Differential tests: every case compiles the same `async fn` items twice,
//! once lowered by rustc (`longhand::__identity`) and once by
//! `#[longhand::desugar]`, and checks that outputs, event logs (evaluation and
//! drop order), poll counts, panics and cancellation behave identically.
//! See `harness.rs` for the machinery.

#[macro_use]
mod harness;

mod cases_async_blocks;
mod cases_borrows;
mod cases_callees;
mod cases_consuming_names;
mod cases_control_flow;
mod cases_domains;
mod cases_drops_and_cancel;
mod cases_errors_and_try;
mod cases_expressions;
mod cases_field_temporaries;
mod cases_guard_awaits;
mod cases_hidden_jumps;
mod cases_join_points;
mod cases_kept_rest;
mod cases_lending_methods;
mod cases_let_chains;
mod cases_loops;
mod cases_macros;
mod cases_methods_generics;
mod cases_moved_operands;
mod cases_panics;
mod cases_pinned;
mod cases_probes;
mod cases_reference_scrutinees;
mod cases_select;
mod cases_send;
mod cases_service_code;
mod cases_stress10;
mod cases_stress11;
mod cases_stress12;
mod cases_stress13;
mod cases_stress14;
mod cases_stress15;
mod cases_stress16;
mod cases_stress17;
mod cases_stress18;
mod cases_stress19;
mod cases_stress20;
mod cases_stress3;
mod cases_stress4;
mod cases_stress5;
mod cases_stress6;
mod cases_stress7;
mod cases_stress8;
mod cases_stress9;
mod cases_tokio_services;
mod cases_type_carriers;
mod cases_user_folds;
