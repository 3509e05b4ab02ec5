//! Every lesson in `lessons/` is checked: text in every locale, the starting scenario
//! shows the problem it teaches and misses the goal, the solution meets the goal.

use ackademy_engine::lesson;
use std::path::Path;

fn lesson_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lessons/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_lesson_shows_its_problem_and_its_solution_meets_the_goal() {
    let files = lesson_files();
    let mut failures = Vec::new();
    let mut ids = Vec::new();
    let mut orders = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        match lesson::parse_lesson(&text) {
            Ok(l) => {
                ids.push(l.id.clone());
                orders.push(l.order);
                if let Err(e) = lesson::check(&l) {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "{} lesson(s) failed:\n{}", failures.len(), failures.join("\n"));
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "lesson ids are unique");
    let mut o = orders.clone();
    o.sort();
    o.dedup();
    assert_eq!(o.len(), orders.len(), "lesson orders are unique");
}

/// Lesson 2 as the base of the negative cases: its solution removes a fault and sets a
/// partition count.
fn keys_and_partitions() -> lesson::Lesson {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons/02-keys-and-partitions.json");
    lesson::parse_lesson(&std::fs::read_to_string(dir).expect("readable")).expect("parses")
}

#[test]
fn a_solution_may_only_use_what_the_lesson_lets_the_learner_touch() {
    let l = keys_and_partitions();
    assert_eq!(l.removable_faults, vec!["add_partitions".to_string()]);
    lesson::check(&l).expect("lesson 2 passes as written");

    // Removing a fault the lesson does not declare removable.
    let mut no_removal = l.clone();
    no_removal.removable_faults.clear();
    let e = lesson::check(&no_removal).expect_err("undeclared removal");
    assert!(e.contains("removes add_partitions faults, which is not among its removable_faults"), "{e}");

    // Setting a control the lesson does not offer.
    let mut no_control = l.clone();
    no_control.controls.retain(|c| c.config != "partitions");
    let e = lesson::check(&no_control).expect_err("undeclared control");
    assert!(e.contains("sets partitions of orders, which is not among its controls"), "{e}");

    // A removable kind the scenario does not schedule, or named twice.
    let mut absent = l.clone();
    absent.removable_faults.push("crash_broker".into());
    let e = lesson::check(&absent).expect_err("no such fault");
    assert!(e.contains("\"crash_broker\", but its scenario schedules no such fault"), "{e}");
    let mut twice = l.clone();
    twice.removable_faults.push("add_partitions".into());
    assert!(lesson::check(&twice).expect_err("twice").contains("twice"));

    // An id goes into addresses (#lesson=<id>) and the saved progress.
    let mut bad_id = l.clone();
    bad_id.id = "Keys:2".into();
    assert!(lesson::check(&bad_id).expect_err("bad id").contains("lower-case letters"));
}

#[test]
fn removable_faults_is_optional_and_typos_are_errors() {
    let l = keys_and_partitions();
    let mut json: serde_json::Value = serde_json::to_value(&l).expect("serializes");
    json.as_object_mut().expect("object").remove("removable_faults");
    let without = lesson::parse_lesson(&json.to_string()).expect("optional");
    assert!(without.removable_faults.is_empty());
    json["removable_fault"] = serde_json::json!(["add_partitions"]);
    assert!(lesson::parse_lesson(&json.to_string()).is_err(), "unknown fields are refused");
    // A solution cannot add faults: the lesson view has no way to do that.
    let mut json = serde_json::to_value(&l).expect("serializes");
    json["solution"] = serde_json::json!([{"add_fault": {"at_ms": 0, "kind": "heal"}}]);
    assert!(lesson::parse_lesson(&json.to_string()).is_err());
}
