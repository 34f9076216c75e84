/**
 * RESP: the streaming command parser and the encoder a replica needs.
 *
 * @module
 */
export { type CommandHandler, RespCommandParser } from "./command_parser.ts";
export { encodeCommand } from "./encode.ts";
