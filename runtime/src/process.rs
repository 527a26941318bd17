//! process (todo)
