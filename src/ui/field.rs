//! The one typed text field of the inspector and the effect catalog: its text survives
//! frames, every change is parsed as it is typed (a problem shows under the field, the
//! document keeps its last good value), and one typing session is one undo step.

use super::Action;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypedField {
    pub text: String,
    /// Why the text is not a value, shown under the field.
    pub error: Option<String>,
    /// The undo merge key of the current typing session.
    pub merge: Option<u64>,
}

/// What one frame of typing produced.
#[derive(Debug, PartialEq)]
pub struct Typed<T> {
    /// A changed text that parsed, with the typing session's undo merge key.
    pub value: Option<(T, u64)>,
    /// The field lost focus: the session ended (the caller may reload the text).
    pub ended: bool,
}

impl TypedField {
    pub fn new(text: String) -> Self {
        Self {
            text,
            ..Self::default()
        }
    }

    /// Whether someone is typing here: the document must not overwrite the text.
    pub fn typing(&self) -> bool {
        self.merge.is_some()
    }

    /// Shows `text` unless it is being typed into.
    pub fn load(&mut self, text: String) {
        if !self.typing() {
            self.text = text;
            self.error = None;
        }
    }

    /// Draws the field that `edit` makes of the text, labelled by `label`, then
    /// [`Self::after`].
    pub fn show<T>(
        &mut self,
        ui: &mut egui::Ui,
        label: &egui::Response,
        edit: impl FnOnce(&mut String) -> egui::TextEdit<'_>,
        gesture: u64,
        actions: &mut Vec<Action>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Typed<T> {
        ui.vertical(|ui| {
            let resp = ui.add(edit(&mut self.text)).labelled_by(label.id);
            self.after(ui, &resp, gesture, actions, parse)
        })
        .inner
    }

    /// After the field was drawn (`resp`): parses a change, ends the typing session when
    /// the field loses focus (sealing the undo step), and shows the problem, if any.
    /// `gesture` is a fresh merge key, used when a session starts.
    pub fn after<T>(
        &mut self,
        ui: &mut egui::Ui,
        resp: &egui::Response,
        gesture: u64,
        actions: &mut Vec<Action>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Typed<T> {
        let value = if resp.changed() {
            self.changed(gesture, parse)
        } else {
            None
        };
        let ended = resp.lost_focus();
        if ended {
            self.end(actions);
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Typed { value, ended }
    }

    /// The text changed: its value and the session's merge key, or the error kept.
    pub fn changed<T>(
        &mut self,
        gesture: u64,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<(T, u64)> {
        let merge = *self.merge.get_or_insert(gesture);
        match parse(&self.text) {
            Ok(v) => {
                self.error = None;
                Some((v, merge))
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Typing ended: the next typing is a new undo step.
    pub fn end(&mut self, actions: &mut Vec<Action>) {
        if self.merge.take().is_some() {
            actions.push(Action::SealHistory);
        }
        self.error = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(t: &str) -> Result<Option<i64>, String> {
        super::super::parse_opt_ms(t)
    }

    #[test]
    fn one_session_has_one_merge_key_and_ends_with_a_seal() {
        let mut f = TypedField::new("1".into());
        let mut actions = Vec::new();
        f.text = "12".into();
        assert_eq!(f.changed(7, ms), Some((Some(12), 7)));
        f.text = "120".into();
        // A later frame offers another key; the session keeps its first.
        assert_eq!(f.changed(8, ms), Some((Some(120), 7)));
        assert!(f.typing());
        f.load("999".into());
        assert_eq!(f.text, "120", "the document does not overwrite typing");
        f.end(&mut actions);
        assert_eq!(actions, vec![Action::SealHistory]);
        assert!(!f.typing());
        f.load("999".into());
        assert_eq!(f.text, "999");
        // Ending again seals nothing more.
        f.end(&mut actions);
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn a_bad_value_is_kept_with_its_error_until_fixed() {
        let mut f = TypedField::new("1:xx".into());
        assert_eq!(f.changed(1, ms), None);
        assert!(f.error.as_deref().is_some_and(|e| e.contains("not a time")));
        f.text = "1:02.5".into();
        assert_eq!(f.changed(2, ms), Some((Some(62_500), 1)));
        assert_eq!(f.error, None);
    }
}
