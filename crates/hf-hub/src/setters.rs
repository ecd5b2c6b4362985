//! Builder-style setters for the public option structs.
//!
//! The structs are `#[non_exhaustive]` (a field added later breaks no caller), so code outside
//! this crate cannot write them as literals; it starts from `default()`/`new(..)` and chains
//! `with_<field>(value)`. Their fields stay public for reading and for changing in place.

/// `setters!(Type { with_field => field: FieldType, with_name => name: into String, ... })`
/// writes `Type::with_field(self, value)` for each field: taking the field's own type (so
/// literals and closures infer), or with `into` anything that converts into it (text, paths).
macro_rules! setters {
    ($type:ident { $($items:tt)* }) => {
        impl $type {
            $crate::setters::setters!(@items $($items)*);
        }
    };
    (@items) => {};
    (@items $setter:ident => $field:ident: into $ty:ty, $($rest:tt)*) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
        #[must_use]
        pub fn $setter(mut self, value: impl Into<$ty>) -> Self {
            self.$field = value.into();
            self
        }
        $crate::setters::setters!(@items $($rest)*);
    };
    (@items $setter:ident => $field:ident: $ty:ty, $($rest:tt)*) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
        #[must_use]
        pub fn $setter(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
        $crate::setters::setters!(@items $($rest)*);
    };
}

pub(crate) use setters;

#[cfg(test)]
mod tests {
    use crate::download::DownloadOptions;
    use crate::upload::CommitOptions;

    #[test]
    fn setters_chain_and_text_and_paths_convert() {
        let commit = CommitOptions::default()
            .with_message("first")
            .with_revision(Some("main".to_owned()))
            .with_create_pr(true);
        assert_eq!(commit.message, "first");
        assert_eq!(commit.revision.as_deref(), Some("main"));
        assert!(commit.create_pr);
        let options = DownloadOptions::new("/tmp/a")
            .with_cache_dir("/tmp/b")
            .with_max_workers(3);
        assert_eq!(options.cache_dir, std::path::PathBuf::from("/tmp/b"));
        assert_eq!(options.max_workers, 3);
    }
}
