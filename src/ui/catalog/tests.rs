use super::*;

#[test]
fn overrides_hold_only_what_differs_and_resetting_removes_them() {
    let base = Catalog::builtin();
    let mut entry = base.get("flash").cloned().expect("flash is built in");
    entry.tolerance = Some(50);
    let edit = set_entry(&base, &base, "flash", Some(entry.clone()), None);
    let Edit::SetEffects {
        effects: Some(map), ..
    } = &edit
    else {
        panic!("expected overrides, got {edit:?}");
    };
    assert_eq!(map.keys().collect::<Vec<_>>(), ["flash"]);
    let changed = base.with_overrides(map).expect("valid overrides");
    assert_eq!(changed.get("flash"), Some(&entry));
    // Reset: back to no overrides at all.
    let reset = set_entry(&changed, &base, "flash", None, None);
    assert_eq!(
        reset,
        Edit::SetEffects {
            effects: None,
            merge: None
        }
    );
}

#[test]
fn new_actions_are_added_and_removed() {
    let base = Catalog::builtin();
    let edit = set_entry(
        &base,
        &base,
        "confetti",
        Some(EffectEntry::new(EffectKind::Particles, "Confetti")),
        None,
    );
    let Edit::SetEffects {
        effects: Some(map), ..
    } = &edit
    else {
        panic!("expected overrides");
    };
    let with = base.with_overrides(map).expect("valid");
    assert_eq!(with.kind_of("confetti"), EffectKind::Particles);
    let Edit::SetEffects { effects, .. } = set_entry(&with, &base, "confetti", None, None) else {
        unreachable!()
    };
    assert_eq!(effects, None);
    assert_eq!(
        check_new_action("flash", &base),
        Err("flash is already in the catalog".into())
    );
    assert!(check_new_action(" x", &base).is_err());
    assert!(check_new_action("", &base).is_err());
    assert_eq!(check_new_action("confetti", &base), Ok(()));
}

#[test]
fn typed_values_are_checked() {
    assert_eq!(parse_opt_ms(""), Ok(None));
    assert_eq!(parse_opt_ms(" 250 "), Ok(Some(250)));
    assert!(parse_opt_ms("-1").is_err());
    assert!(parse_opt_ms("1,5").is_err());
    // The same rule as the inspector's: seconds and mm:ss.mmm too.
    assert_eq!(parse_opt_ms("1.5"), Ok(Some(1500)));
    assert_eq!(parse_opt_ms("01:02.5"), Ok(Some(62_500)));
    assert!(parse_params("[1]").is_err());
    assert!(
        parse_params("{\"a\": ")
            .unwrap_err()
            .starts_with("params: 1:")
    );
    // As strict as a file: a repeated key is an error where it is.
    assert_eq!(
        parse_params("{\"a\": 1, \"a\": 2}").unwrap_err(),
        "params: 1:12: duplicate key \"a\""
    );
    assert_eq!(parse_params("").map(|m| m.len()), Ok(0));
}
