//! REST value types whose schema carries the bounds the service enforces, taken from the same
//! constants (`domain::bounds`, the object declarations, the domain newtypes). They accept any
//! value of the right JSON type: the service checks the bounds, so a bad value gets the same
//! answer through both doors (REST 422 `validation_failed` with the field, legacy its error text),
//! never the framework's 400.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde_json::Value as Json;

use crate::domain::bounds::{IntRange, Length};

/// The bounds of a text value, as the schema shows them.
pub trait TextRule: Send + Sync + 'static {
    /// Length bounds.
    const LENGTH: Length;
    /// A regular expression the value matches, if the rule has one.
    const PATTERN: Option<&'static str> = None;
    /// The values the service accepts, when it accepts only a few (the schema's `enum`); empty when
    /// any text within the bounds may do.
    const ONE_OF: &'static [&'static str] = &[];
    /// The text may hold line breaks and other control characters (a template); otherwise the
    /// schema says it holds none, as the service's checks refuse them.
    const MULTILINE: bool = false;
    /// The value is a comma-separated list of [`TextRule::ONE_OF`] words (a filter matching any of
    /// them): the schema says so in a `pattern` instead of an `enum`.
    const COMMA_LIST: bool = false;
}

/// The length of the longest of `values`, for a choice rule's bounds.
pub const fn longest(values: &[&str]) -> usize {
    let (mut i, mut max) = (0, 0);
    while i < values.len() {
        if values[i].len() > max {
            max = values[i].len();
        }
        i += 1;
    }
    max
}

/// The bounds of a whole number, as the schema shows them.
pub trait IntRule: Send + Sync + 'static {
    /// Inclusive range.
    const RANGE: IntRange;
}

/// A string bounded by `R` in the schema; checked by the service.
pub struct Text<R>(pub String, PhantomData<R>);

impl<R> Text<R> {
    /// A value the server sends (answers carry the rule's schema too).
    pub fn new(text: impl Into<String>) -> Self {
        Text(text.into(), PhantomData)
    }

    /// The value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<R> fmt::Debug for Text<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R> From<Text<R>> for Json {
    fn from(text: Text<R>) -> Json {
        Json::String(text.0)
    }
}

impl<R: TextRule> Type for Text<R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let length = R::LENGTH;
        if R::COMMA_LIST {
            let word = format!("({})", R::ONE_OF.join("|"));
            let pattern = format!("^({word}(,{word})*)?$");
            return MetaSchemaRef::Inline(Box::new(MetaSchema { pattern: Some(pattern), ..MetaSchema::new("string") }));
        }
        if !R::ONE_OF.is_empty() {
            // The values say it all; the service refuses any other (422), the framework never (400).
            let values = R::ONE_OF.iter().map(|value| Json::String((*value).to_string())).collect();
            return MetaSchemaRef::Inline(Box::new(MetaSchema { enum_items: values, ..MetaSchema::new("string") }));
        }
        let printable = (!R::MULTILINE).then(|| "^[^\\u0000-\\u001f\\u007f-\\u009f]*$".to_string());
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            min_length: (length.min > 0).then_some(length.min),
            max_length: Some(length.max),
            pattern: R::PATTERN.map(str::to_string).or(printable),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&String> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl<R: TextRule> ParseFromJSON for Text<R> {
    fn parse_from_json(value: Option<Json>) -> ParseResult<Self> {
        match value {
            Some(Json::String(text)) => Ok(Text(text, PhantomData)),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

/// A form field's text parses as any text: the service checks it (422 with the field's name).
impl<R: TextRule> poem_openapi::types::ParseFromMultipartField for Text<R> {
    async fn parse_from_multipart(field: Option<poem::web::Field>) -> ParseResult<Self> {
        match field {
            Some(field) => Ok(Text(field.text().await.map_err(ParseError::custom)?, PhantomData)),
            None => Err(ParseError::expected_input()),
        }
    }
}

/// Any text parses: the service checks it (422 with the parameter's name, never the framework's 400).
impl<R: TextRule> ParseFromParameter for Text<R> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Text(value.to_string(), PhantomData))
    }
}

impl<R: TextRule> ToJSON for Text<R> {
    fn to_json(&self) -> Option<Json> {
        Some(Json::String(self.0.clone()))
    }
}

/// A whole number bounded by `R` in the schema; checked by the service.
pub struct Int<R>(pub i64, PhantomData<R>);

impl<R> Int<R> {
    /// The value.
    pub fn get(&self) -> i64 {
        self.0
    }
}

impl<R> fmt::Debug for Int<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R: IntRule> Type for Int<R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = i64;
    type RawElementValueType = i64;

    fn name() -> Cow<'static, str> {
        "integer_int64".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let range = R::RANGE;
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            format: Some("int64"),
            minimum: Some(range.min as f64),
            // An open upper end is left out rather than shown as 9.2e18.
            maximum: (range.max != i64::MAX).then_some(range.max as f64),
            ..MetaSchema::new("integer")
        }))
    }

    fn as_raw_value(&self) -> Option<&i64> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a i64> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl<R: IntRule> ParseFromJSON for Int<R> {
    fn parse_from_json(value: Option<Json>) -> ParseResult<Self> {
        match value.as_ref().and_then(Json::as_i64) {
            Some(number) => Ok(Int(number, PhantomData)),
            None => Err(ParseError::expected_type(value.unwrap_or_default())),
        }
    }
}

impl<R: IntRule> ToJSON for Int<R> {
    fn to_json(&self) -> Option<Json> {
        Some(Json::from(self.0))
    }
}

/// The most items a list may hold, as the schema shows it.
pub trait CountRule: Send + Sync + 'static {
    /// Most items.
    const MAX: usize;
    /// Fewest items.
    const MIN: usize = 0;
}

/// A list whose schema carries the service's item limit; checked by the service.
pub struct List<T, R>(pub Vec<T>, PhantomData<R>);

impl<T, R> List<T, R> {
    /// The items.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, R> std::ops::Deref for List<T, R> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T, R> IntoIterator for List<T, R> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T, R> FromIterator<T> for List<T, R> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        List(items.into_iter().collect(), PhantomData)
    }
}

impl<T, R> From<Vec<T>> for List<T, R> {
    fn from(items: Vec<T>) -> Self {
        List(items, PhantomData)
    }
}

impl<T: fmt::Debug, R> fmt::Debug for List<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Type, R: CountRule> Type for List<T, R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Vec<T>;
    type RawElementValueType = T::RawValueType;

    fn name() -> Cow<'static, str> {
        format!("list_{}", T::name()).into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            items: Some(Box::new(T::schema_ref())),
            max_items: Some(R::MAX),
            min_items: (R::MIN > 0).then_some(R::MIN),
            ..MetaSchema::new("array")
        }))
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        T::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Vec<T>> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a T::RawValueType> + 'a> {
        Box::new(self.0.iter().filter_map(Type::as_raw_value))
    }
}

impl<T: ParseFromJSON, R: CountRule> ParseFromJSON for List<T, R> {
    fn parse_from_json(value: Option<Json>) -> ParseResult<Self> {
        Vec::<T>::parse_from_json(value).map(|items| List(items, PhantomData)).map_err(ParseError::propagate)
    }
}

impl<T: ToJSON, R: CountRule> ToJSON for List<T, R> {
    fn to_json(&self) -> Option<Json> {
        self.0.to_json()
    }
}

/// A JSON object of texts (a phonebook entry's fields) whose schema carries the service's member
/// count (`R`: fewest and most members) and the bounds of each value (`V`); checked by the service.
pub struct Fields<R, V>(pub std::collections::BTreeMap<String, String>, PhantomData<(R, V)>);

impl<R, V> fmt::Debug for Fields<R, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R: CountRule, V: TextRule> Type for Fields<R, V> {
    const IS_REQUIRED: bool = true;
    type RawValueType = std::collections::BTreeMap<String, String>;
    type RawElementValueType = std::collections::BTreeMap<String, String>;

    fn name() -> Cow<'static, str> {
        "fields".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            additional_properties: Some(Box::new(Text::<V>::schema_ref())),
            min_properties: (R::MIN > 0).then_some(R::MIN),
            max_properties: Some(R::MAX),
            ..MetaSchema::new("object")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl<R: CountRule, V: TextRule> ParseFromJSON for Fields<R, V> {
    fn parse_from_json(value: Option<Json>) -> ParseResult<Self> {
        std::collections::BTreeMap::<String, String>::parse_from_json(value)
            .map(|fields| Fields(fields, PhantomData))
            .map_err(ParseError::propagate)
    }
}

impl<R: CountRule, V: TextRule> ToJSON for Fields<R, V> {
    fn to_json(&self) -> Option<Json> {
        self.0.to_json()
    }
}

/// Declares rule markers: `text_rules! { Name = LENGTH [, PATTERN]; }`, `int_rules! { Name = RANGE; }`,
/// `count_rules! { Name = MAX; }`.
macro_rules! text_rules {
    ($( $(#[doc = $doc:literal])* $name:ident = $length:expr $(, $pattern:expr)? ;)*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub struct $name;
        impl $crate::api::bounded::TextRule for $name {
            const LENGTH: $crate::domain::bounds::Length = $length;
            $(const PATTERN: Option<&'static str> = Some($pattern);)?
        }
    )*};
}

/// Declares rule markers for texts that take one of a few values, from the service's list:
/// `choice_rules! { Name = VALUES; }`. The schema shows them as an `enum`.
macro_rules! choice_rules {
    ($( $(#[doc = $doc:literal])* $name:ident = $values:expr ;)*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub struct $name;
        impl $crate::api::bounded::TextRule for $name {
            const LENGTH: $crate::domain::bounds::Length =
                $crate::domain::bounds::Length { min: 1, max: $crate::api::bounded::longest(&$values) };
            const ONE_OF: &'static [&'static str] = &$values;
        }
    )*};
}

macro_rules! int_rules {
    ($( $(#[doc = $doc:literal])* $name:ident = $range:expr ;)*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub struct $name;
        impl $crate::api::bounded::IntRule for $name {
            const RANGE: $crate::domain::bounds::IntRange = $range;
        }
    )*};
}

macro_rules! count_rules {
    ($( $(#[doc = $doc:literal])* $name:ident = $max:expr $(, min $min:expr)? ;)*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub struct $name;
        impl $crate::api::bounded::CountRule for $name {
            const MAX: usize = $max;
            $(const MIN: usize = $min;)?
        }
    )*};
}

pub(crate) use {choice_rules, count_rules, int_rules, text_rules};
