//! Ackademy: the browser playground. A Leptos client-side-rendered app, built with Trunk.

mod app;
mod components;

// The playground runs the engine in the page. Nothing calls it yet (its API is still
// settling); this keeps the dependency explicit until the first screen does.
use ackademy_engine as _;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
