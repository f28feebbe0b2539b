<?php

namespace Espo\Modules\EblaChat\Classes;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use stdClass;

/**
 * Request input with the errors EspoCRM should give: invalid JSON, wrong types and bad numbers are
 * 400 (EspoCRM's own body parser would answer invalid JSON with a 500).
 */
class Input
{
    /** @throws BadRequest */
    public static function body(Request $request): stdClass
    {
        $raw = $request->getBodyContents();

        if ($raw === null || trim($raw) === '') {
            return new stdClass();
        }

        try {
            $data = json_decode($raw, false, 32, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new BadRequest('The body is not valid JSON: ' . $e->getMessage());
        }

        if ($data === []) {
            return new stdClass();
        }

        if (!$data instanceof stdClass) {
            throw new BadRequest('The body must be a JSON object.');
        }

        return $data;
    }

    /** @throws BadRequest */
    public static function routeId(Request $request, string $name = 'id'): string
    {
        $value = $request->getRouteParam($name);

        if ($value === null || $value === '') {
            throw new BadRequest("No '$name'.");
        }

        return $value;
    }

    /** @throws BadRequest */
    public static function queryInt(Request $request, string $name): ?int
    {
        if (!$request->hasQueryParam($name)) {
            return null;
        }

        $value = $request->getQueryParam($name);

        if ($value === null || $value === '') {
            return null;
        }

        if (!preg_match('/^-?[0-9]{1,18}$/', $value)) {
            throw new BadRequest("'$name' must be an integer.");
        }

        return (int) $value;
    }

    /** @throws BadRequest */
    public static function queryString(Request $request, string $name): ?string
    {
        if (!$request->hasQueryParam($name)) {
            return null;
        }

        $params = $request->getQueryParams();

        if (isset($params[$name]) && !is_string($params[$name])) {
            throw new BadRequest("'$name' must be a string.");
        }

        $value = $request->getQueryParam($name);

        return $value === '' ? null : $value;
    }

    /** @throws BadRequest */
    public static function queryBool(Request $request, string $name): bool
    {
        $value = self::queryString($request, $name);

        if ($value === null) {
            return false;
        }

        return match (strtolower($value)) {
            'true', '1', 'yes' => true,
            'false', '0', 'no' => false,
            default => throw new BadRequest("'$name' must be true or false."),
        };
    }

    /**
     * @return mixed[]
     * @throws BadRequest
     */
    public static function stringList(stdClass $body, string $name, bool $required): array
    {
        if (!property_exists($body, $name) || $body->$name === null) {
            if ($required) {
                throw new BadRequest("No '$name'.");
            }

            return [];
        }

        if (!is_array($body->$name)) {
            throw new BadRequest("'$name' must be a list of ids.");
        }

        foreach ($body->$name as $item) {
            if (!is_string($item)) {
                throw new BadRequest("'$name' must be a list of ids.");
            }
        }

        return $body->$name;
    }

    /** @throws BadRequest */
    public static function optionalString(stdClass $body, string $name): ?string
    {
        if (!property_exists($body, $name) || $body->$name === null) {
            return null;
        }

        if (!is_string($body->$name)) {
            throw new BadRequest("'$name' must be a string.");
        }

        return $body->$name;
    }

    /** @throws BadRequest */
    public static function optionalBool(stdClass $body, string $name): ?bool
    {
        if (!property_exists($body, $name) || $body->$name === null) {
            return null;
        }

        if (!is_bool($body->$name)) {
            throw new BadRequest("'$name' must be true or false.");
        }

        return $body->$name;
    }

    /** @throws BadRequest */
    public static function optionalInt(stdClass $body, string $name): ?int
    {
        if (!property_exists($body, $name) || $body->$name === null) {
            return null;
        }

        if (!is_int($body->$name)) {
            throw new BadRequest("'$name' must be an integer.");
        }

        return $body->$name;
    }
}
