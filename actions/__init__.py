"""What scrutiny resolved: resolutions, actions with their progress (the RAG history) and the
executive's responses, with the services that record them. May import `committees`, never
`tracker`.
"""
