//! The demo models of the inference table: what the seed publishes and the inference routes
//! answer for.

/// A demo model of the inference table.
#[derive(Debug)]
pub(crate) struct DemoModel {
    pub(crate) id: &'static str,
    pub(crate) pipeline_tag: &'static str,
    pub(crate) library: &'static str,
    /// Task in `inferenceProviderMapping`.
    pub(crate) provider_task: &'static str,
    pub(crate) architecture: &'static str,
    pub(crate) conversational: bool,
}

const fn m(
    id: &'static str,
    pipeline_tag: &'static str,
    library: &'static str,
    provider_task: &'static str,
    architecture: &'static str,
    conversational: bool,
) -> DemoModel {
    DemoModel {
        id,
        pipeline_tag,
        library,
        provider_task,
        architecture,
        conversational,
    }
}

pub(crate) const DEMO_MODELS: &[DemoModel] = &[
    m(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "text-classification",
        "transformers",
        "text-classification",
        "DistilBertForSequenceClassification",
        false,
    ),
    m(
        "gpt2",
        "text-generation",
        "transformers",
        "text-generation",
        "GPT2LMHeadModel",
        false,
    ),
    m(
        "dbmdz/bert-large-cased-finetuned-conll03-english",
        "token-classification",
        "transformers",
        "token-classification",
        "BertForTokenClassification",
        false,
    ),
    m(
        "distilbert/distilroberta-base",
        "fill-mask",
        "transformers",
        "fill-mask",
        "RobertaForMaskedLM",
        false,
    ),
    m(
        "facebook/bart-large-cnn",
        "summarization",
        "transformers",
        "summarization",
        "BartForConditionalGeneration",
        false,
    ),
    m(
        "google-t5/t5-small",
        "translation",
        "transformers",
        "translation",
        "T5ForConditionalGeneration",
        false,
    ),
    m(
        "deepset/roberta-base-squad2",
        "question-answering",
        "transformers",
        "question-answering",
        "RobertaForQuestionAnswering",
        false,
    ),
    m(
        "facebook/bart-large-mnli",
        "zero-shot-classification",
        "transformers",
        "zero-shot-classification",
        "BartForSequenceClassification",
        false,
    ),
    m(
        "sentence-transformers/all-MiniLM-L6-v2",
        "sentence-similarity",
        "sentence-transformers",
        "feature-extraction",
        "BertModel",
        false,
    ),
    m(
        "google/vit-base-patch16-224",
        "image-classification",
        "transformers",
        "image-classification",
        "ViTForImageClassification",
        false,
    ),
    m(
        "openai/whisper-large-v3",
        "automatic-speech-recognition",
        "transformers",
        "automatic-speech-recognition",
        "WhisperForConditionalGeneration",
        false,
    ),
    m(
        "stabilityai/stable-diffusion-xl-base-1.0",
        "text-to-image",
        "diffusers",
        "text-to-image",
        "StableDiffusionXLPipeline",
        false,
    ),
    m(
        "meta-llama/Llama-3.1-8B-Instruct",
        "text-generation",
        "transformers",
        "conversational",
        "LlamaForCausalLM",
        true,
    ),
];
