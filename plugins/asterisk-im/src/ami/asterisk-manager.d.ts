/** The part of asterisk-manager 0.2.0 we use. Its objects carry lowercased keys. */
declare module 'asterisk-manager' {
  function Manager(port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager.ManagerInstance;

  namespace Manager {
    type RawAmiValue = string | string[] | Record<string, string>;
    type RawAmiObject = Record<string, RawAmiValue>;

    interface ManagerInstance {
      /** Its reader's output; we emit responses here in its place. */
      emit(event: 'rawevent', raw: RawAmiObject): boolean;
      /** Tests use it to see that no action is left waiting. */
      listeners(event: string): Function[];
      connect(port: number, host: string, callback?: (error: unknown) => void): void;
      login(callback: (error?: RawAmiObject) => void): void;
      action(action: Record<string, string | Record<string, string>>, callback?: (error?: RawAmiObject) => void): string;
    }
  }

  export = Manager;
}
