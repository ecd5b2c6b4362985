# The Python client's way to do what ../chat_stream.rs does; the statements between
# `# task` and `# end task` are counted against the Rust example's.
import sys

from huggingface_hub import InferenceClient

model, prompt = sys.argv[1:3]
# task
client = InferenceClient()
for chunk in client.chat_completion([{"role": "user", "content": prompt}], model=model, stream=True):
    print(chunk.choices[0].delta.content or "", end="")
# end task
print()
