import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageTypeDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { INFERENCE_SERVICE, loadInferenceProto } from './proto.js';

/**
 * The published definition (kserve/open-inference-protocol specification/protocol/open_inference_grpc.proto):
 * message → [field name, number, type, repeated?]. Any drift breaks wire compatibility with KServe/Triton clients.
 */
const PUBLISHED: Record<string, [string, number, string, boolean][]> = {
  ServerLiveRequest: [],
  ServerLiveResponse: [['live', 1, 'TYPE_BOOL', false]],
  ServerReadyRequest: [],
  ServerReadyResponse: [['ready', 1, 'TYPE_BOOL', false]],
  ModelReadyRequest: [
    ['name', 1, 'TYPE_STRING', false],
    ['version', 2, 'TYPE_STRING', false],
  ],
  ModelReadyResponse: [['ready', 1, 'TYPE_BOOL', false]],
  ServerMetadataRequest: [],
  ServerMetadataResponse: [
    ['name', 1, 'TYPE_STRING', false],
    ['version', 2, 'TYPE_STRING', false],
    ['extensions', 3, 'TYPE_STRING', true],
  ],
  ModelMetadataRequest: [
    ['name', 1, 'TYPE_STRING', false],
    ['version', 2, 'TYPE_STRING', false],
  ],
  ModelMetadataResponse: [
    ['name', 1, 'TYPE_STRING', false],
    ['versions', 2, 'TYPE_STRING', true],
    ['platform', 3, 'TYPE_STRING', false],
    ['inputs', 4, 'TYPE_MESSAGE', true],
    ['outputs', 5, 'TYPE_MESSAGE', true],
    ['properties', 6, 'TYPE_MESSAGE', true],
  ],
  'ModelMetadataResponse.TensorMetadata': [
    ['name', 1, 'TYPE_STRING', false],
    ['datatype', 2, 'TYPE_STRING', false],
    ['shape', 3, 'TYPE_INT64', true],
  ],
  ModelInferRequest: [
    ['model_name', 1, 'TYPE_STRING', false],
    ['model_version', 2, 'TYPE_STRING', false],
    ['id', 3, 'TYPE_STRING', false],
    ['parameters', 4, 'TYPE_MESSAGE', true],
    ['inputs', 5, 'TYPE_MESSAGE', true],
    ['outputs', 6, 'TYPE_MESSAGE', true],
    ['raw_input_contents', 7, 'TYPE_BYTES', true],
  ],
  'ModelInferRequest.InferInputTensor': [
    ['name', 1, 'TYPE_STRING', false],
    ['datatype', 2, 'TYPE_STRING', false],
    ['shape', 3, 'TYPE_INT64', true],
    ['parameters', 4, 'TYPE_MESSAGE', true],
    ['contents', 5, 'TYPE_MESSAGE', false],
  ],
  'ModelInferRequest.InferRequestedOutputTensor': [
    ['name', 1, 'TYPE_STRING', false],
    ['parameters', 2, 'TYPE_MESSAGE', true],
  ],
  ModelInferResponse: [
    ['model_name', 1, 'TYPE_STRING', false],
    ['model_version', 2, 'TYPE_STRING', false],
    ['id', 3, 'TYPE_STRING', false],
    ['parameters', 4, 'TYPE_MESSAGE', true],
    ['outputs', 5, 'TYPE_MESSAGE', true],
    ['raw_output_contents', 6, 'TYPE_BYTES', true],
  ],
  'ModelInferResponse.InferOutputTensor': [
    ['name', 1, 'TYPE_STRING', false],
    ['datatype', 2, 'TYPE_STRING', false],
    ['shape', 3, 'TYPE_INT64', true],
    ['parameters', 4, 'TYPE_MESSAGE', true],
    ['contents', 5, 'TYPE_MESSAGE', false],
  ],
  InferParameter: [
    ['bool_param', 1, 'TYPE_BOOL', false],
    ['int64_param', 2, 'TYPE_INT64', false],
    ['string_param', 3, 'TYPE_STRING', false],
    ['double_param', 4, 'TYPE_DOUBLE', false],
    ['uint64_param', 5, 'TYPE_UINT64', false],
  ],
  InferTensorContents: [
    ['bool_contents', 1, 'TYPE_BOOL', true],
    ['int_contents', 2, 'TYPE_INT32', true],
    ['int64_contents', 3, 'TYPE_INT64', true],
    ['uint_contents', 4, 'TYPE_UINT32', true],
    ['uint64_contents', 5, 'TYPE_UINT64', true],
    ['fp32_contents', 6, 'TYPE_FLOAT', true],
    ['fp64_contents', 7, 'TYPE_DOUBLE', true],
    ['bytes_contents', 8, 'TYPE_BYTES', true],
  ],
};

interface FieldDescriptor {
  name: string;
  number: number;
  type: string;
  label: string;
  typeName: string;
}
interface DescriptorProto {
  name: string;
  field: FieldDescriptor[];
  nestedType: DescriptorProto[];
  oneofDecl: { name: string }[];
  options: { mapEntry: boolean } | null;
}

describe('inference.proto', () => {
  const definition = loadInferenceProto();

  it('loads with @grpc/proto-loader as inference.GRPCInferenceService with the six methods', () => {
    const service = definition[INFERENCE_SERVICE] as ServiceDefinition;
    const methods = Object.fromEntries(
      Object.entries(service).map(([name, m]) => [
        name,
        [
          m.path,
          (m.requestType.type as DescriptorProto).name,
          (m.responseType.type as DescriptorProto).name,
          m.requestStream,
          m.responseStream,
        ],
      ]),
    );
    assert.deepEqual(methods, {
      ServerLive: [
        '/inference.GRPCInferenceService/ServerLive',
        'ServerLiveRequest',
        'ServerLiveResponse',
        false,
        false,
      ],
      ServerReady: [
        '/inference.GRPCInferenceService/ServerReady',
        'ServerReadyRequest',
        'ServerReadyResponse',
        false,
        false,
      ],
      ModelReady: [
        '/inference.GRPCInferenceService/ModelReady',
        'ModelReadyRequest',
        'ModelReadyResponse',
        false,
        false,
      ],
      ServerMetadata: [
        '/inference.GRPCInferenceService/ServerMetadata',
        'ServerMetadataRequest',
        'ServerMetadataResponse',
        false,
        false,
      ],
      ModelMetadata: [
        '/inference.GRPCInferenceService/ModelMetadata',
        'ModelMetadataRequest',
        'ModelMetadataResponse',
        false,
        false,
      ],
      ModelInfer: [
        '/inference.GRPCInferenceService/ModelInfer',
        'ModelInferRequest',
        'ModelInferResponse',
        false,
        false,
      ],
    });
  });

  it('has the published messages with their field names, numbers and types', () => {
    const found: Record<string, [string, number, string, boolean][]> = {};
    const collect = (message: DescriptorProto, prefix: string) => {
      const name = prefix + message.name;
      if (message.options?.mapEntry) return; // map<> entries, generated by protobuf (checked below)
      found[name] = message.field.map((f) => [f.name, f.number, f.type, f.label === 'LABEL_REPEATED']);
      for (const nested of message.nestedType) collect(nested, `${name}.`);
    };
    for (const [name, value] of Object.entries(definition)) {
      if (name === INFERENCE_SERVICE) continue;
      const type = (value as MessageTypeDefinition<object, object>).type as DescriptorProto;
      if (name.split('.').length === 2) collect(type, '');
    }
    assert.deepEqual(found, PUBLISHED);
  });

  it('declares the parameter value as a oneof and parameters as map<string, InferParameter>', () => {
    const parameter = (definition['inference.InferParameter'] as MessageTypeDefinition<object, object>)
      .type as DescriptorProto;
    assert.deepEqual(
      parameter.oneofDecl.map((o) => o.name),
      ['parameter_choice'],
    );
    const infer = (definition[INFERENCE_SERVICE] as ServiceDefinition).ModelInfer!;
    const decoded = infer.requestDeserialize(
      infer.requestSerialize({ parameters: { a: { string_param: 'x' }, b: { uint64_param: '18446744073709551615' } } }),
    ) as { parameters: Record<string, object> };
    assert.deepEqual(decoded.parameters, {
      a: { string_param: 'x', parameter_choice: 'string_param' },
      b: { uint64_param: '18446744073709551615', parameter_choice: 'uint64_param' },
    });
    const maps: string[] = [];
    const visit = (message: DescriptorProto, prefix: string) => {
      for (const nested of message.nestedType) {
        if (nested.options?.mapEntry)
          maps.push(
            `${prefix}${message.name}.${nested.field.map((f) => `${f.name}:${f.type}:${f.typeName}`).join(',')}`,
          );
        else visit(nested, `${prefix}${message.name}.`);
      }
    };
    for (const name of [
      'inference.ModelInferRequest',
      'inference.ModelInferResponse',
      'inference.ModelMetadataResponse',
    ])
      visit((definition[name] as MessageTypeDefinition<object, object>).type as DescriptorProto, '');
    const parameters = 'key:TYPE_STRING:,value:TYPE_MESSAGE:InferParameter';
    assert.deepEqual(
      maps.sort(),
      [
        `ModelInferRequest.${parameters}`,
        `ModelInferRequest.InferInputTensor.${parameters}`,
        `ModelInferRequest.InferRequestedOutputTensor.${parameters}`,
        `ModelInferResponse.${parameters}`,
        `ModelInferResponse.InferOutputTensor.${parameters}`,
        'ModelMetadataResponse.key:TYPE_STRING:,value:TYPE_STRING:',
      ].sort(),
    );
  });
});
