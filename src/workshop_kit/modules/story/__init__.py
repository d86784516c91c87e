"""Your story, their story: turn a “let me tell you about us” answer into questions and samples."""
