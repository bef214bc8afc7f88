import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every operation, from the committed SDL (or the server: 'http://127.0.0.1:8000/graphql').
const config: CodegenConfig = {
  schema: '../../api/schema.graphql',
  documents: 'generated/operations.graphql',
  generates: {
    'generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations'],
      config: {
        // Exact decimals, dates and timestamps all travel as JSON strings.
        scalars: {
          Decimal: 'string',
          Date: 'string',
          DateTime: 'string',
        },
        strictScalars: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
