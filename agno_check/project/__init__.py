"""Deployment files read statically: Dockerfiles, compose files, Kubernetes manifests, requirements, entrypoints.

Nothing here runs a container, a shell or the network: every file is parsed (``dockerfile-parse``, PyYAML,
``packaging``, ``tomllib``) and the deployment checks judge what was read, naming the file and 1-based line.
"""
