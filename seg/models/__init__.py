from .runtime_encoder_decoder import RuntimeEncoderDecoder

__all__ = ['RuntimeEncoderDecoder']
