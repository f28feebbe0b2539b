<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** GET EblaChat/dialogs?offset&maxSize&parentType&parentId&unreadOnly */
class ListDialogs extends Base
{
    protected function handle(Request $request): mixed
    {
        $options = ['acl' => $this->engine->aclOption()];

        foreach (['offset' => 'offset', 'maxSize' => 'limit'] as $param => $option) {
            $value = Input::queryInt($request, $param);

            if ($value !== null) {
                $options[$option] = $value;
            }
        }

        foreach (['parentType', 'parentId'] as $param) {
            $value = Input::queryString($request, $param);

            if ($value !== null) {
                $options[$param] = $value;
            }
        }

        if (Input::queryBool($request, 'unreadOnly')) {
            $options['unreadOnly'] = true;
        }

        return ebla_chat_dialog_list($this->engine->pdo(), $this->engine->actorId(), $options);
    }
}
