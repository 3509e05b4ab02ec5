//! The application shell: the page layout every screen lives in.

use leptos::prelude::*;

use crate::components::header::Header;

/// The root component, mounted on `<body>`.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app">
            <Header />
            <main class="app-main">
                <p class="placeholder">
                    "The playground is being built. Soon you will be able to pick a scenario, \
                     inject faults, and watch what happens to every message."
                </p>
            </main>
        </div>
    }
}
