<?php

namespace Espo\Modules\EblaChat\Classes\WebSocket;

use UnexpectedValueException;

/**
 * Incremental parser of the Redis protocol (RESP2, plus RESP3 push frames) for a subscribed
 * connection: feed() takes whatever bytes arrived and returns the complete replies, keeping an
 * incomplete tail for the next call. Replies: strings, ints, null, arrays (nested), and
 * errors as RespError.
 */
class RespParser
{
    private string $buffer = '';

    /**
     * @return list<mixed>
     * @throws UnexpectedValueException on bytes that are not RESP
     */
    public function feed(string $bytes): array
    {
        $this->buffer .= $bytes;
        $replies = [];
        $offset = 0;

        while (true) {
            $reply = $this->parse($offset);

            if ($reply === self::INCOMPLETE) {
                break;
            }

            $replies[] = $reply[0];
            $offset = $reply[1];
        }

        $this->buffer = (string) substr($this->buffer, $offset);

        return $replies;
    }

    public function reset(): void
    {
        $this->buffer = '';
    }

    private const INCOMPLETE = false;

    /** @return array{0: mixed, 1: int}|false */
    private function parse(int $offset): array|false
    {
        $end = strpos($this->buffer, "\r\n", $offset);

        if ($end === false) {
            if (strlen($this->buffer) - $offset > 65536) {
                throw new UnexpectedValueException('RESP: header line too long');
            }

            return self::INCOMPLETE;
        }

        $type = $this->buffer[$offset] ?? '';
        $line = substr($this->buffer, $offset + 1, $end - $offset - 1);
        $next = $end + 2;

        switch ($type) {
            case '+':
                return [$line, $next];

            case '-':
                return [new RespError($line), $next];

            case ':':
                return [(int) $line, $next];

            case '$':
                $length = $this->length($line);

                if ($length < 0) {
                    return [null, $next];
                }

                if (strlen($this->buffer) < $next + $length + 2) {
                    return self::INCOMPLETE;
                }

                return [substr($this->buffer, $next, $length), $next + $length + 2];

            case '*':
            case '>':
                $count = $this->length($line);

                if ($count < 0) {
                    return [null, $next];
                }

                $items = [];

                for ($i = 0; $i < $count; $i++) {
                    $item = $this->parse($next);

                    if ($item === self::INCOMPLETE) {
                        return self::INCOMPLETE;
                    }

                    $items[] = $item[0];
                    $next = $item[1];
                }

                return [$items, $next];
        }

        throw new UnexpectedValueException('RESP: unexpected type byte ' . json_encode($type));
    }

    private function length(string $line): int
    {
        if (!preg_match('/^-?[0-9]{1,10}$/', $line)) {
            throw new UnexpectedValueException('RESP: bad length ' . json_encode($line));
        }

        return (int) $line;
    }

    /** One command in RESP. */
    public static function command(string ...$args): string
    {
        $out = '*' . count($args) . "\r\n";

        foreach ($args as $arg) {
            $out .= '$' . strlen($arg) . "\r\n" . $arg . "\r\n";
        }

        return $out;
    }
}
