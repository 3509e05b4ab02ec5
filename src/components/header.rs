//! The page header: the name of the playground and what it is for.

use leptos::prelude::*;

/// The product name, shown as the page heading.
pub const TITLE: &str = "Ackademy";

/// One line saying what the playground is for.
pub const TAGLINE: &str = "A playground for how Kafka loses, duplicates and reorders messages";

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="app-header">
            <h1 class="app-title" data-testid="app-title">{TITLE}</h1>
            <p class="app-tagline" data-testid="app-tagline">{TAGLINE}</p>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagline_names_the_three_failures() {
        for word in ["loses", "duplicates", "reorders"] {
            assert!(TAGLINE.contains(word), "tagline should mention {word}");
        }
    }
}
