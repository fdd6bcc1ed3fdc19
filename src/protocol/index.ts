export { RemotingCommand, nextOpaque, type CommandInit } from './command.js';
export { SerializeType, serializeTypeName, ResponseCode, FlagBit, SystemRemark, DEFAULT_MAX_FRAME_LENGTH, GOING_AWAY_REQUEST_CODE } from './codes.js';
export { LanguageCode, languageCode, languageName, type LanguageName } from './language.js';
export { encodeCommand, decodeCommand, decodeFrameContent, checkFrameLength, type DecodeOptions } from './frame.js';
export { FrameDecoder } from './frame-decoder.js';
export { encodeJsonHeader, decodeJsonHeader, quoteJson, needsJsonEscape } from './json-header.js';
export { defineHeader, CustomHeader, type HeaderSpec, type HeaderValues, type HeaderFieldKind, type HeaderFieldSpec, type HeaderDecodeOptions } from './custom-header.js';
export { javaDoubleToString, parseJavaInt, parseJavaLong, parseJavaDouble, parseJavaBoolean } from './java-number.js';
