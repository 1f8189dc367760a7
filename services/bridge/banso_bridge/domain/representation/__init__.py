"""Vector representation of feedback texts: hashed features, TF-IDF and LSA fitted as the stream grows."""

from banso_bridge.domain.representation.features import FeatureCounts, extract_features
from banso_bridge.domain.representation.model import ModelConfig, VectorModel, fit_model

__all__ = ["FeatureCounts", "ModelConfig", "VectorModel", "extract_features", "fit_model"]
