# The Python client's way to do what ../upload_folder.rs does; the statements between
# `# task` and `# end task` are counted against the Rust example's.
import sys

from huggingface_hub import HfApi

repo, folder = sys.argv[1:3]
# task
commit = HfApi().upload_folder(repo_id=repo, folder_path=folder)
# end task
print(commit.commit_url)
